using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace XenPS.Core.Migration
{
    /// <summary>Reads the progress and the verdict out of what <c>xm migrate</c> and <c>xl migrate</c> print.</summary>
    public static class MigrationOutput
    {
        private static readonly Regex XcProgress = new Regex(@"xc: progress: .*?(\d+)%\s*$", RegexOptions.CultureInvariant);

        /// <summary>The percentage of the last libxc progress line in <paramref name="lines"/>, or null.</summary>
        public static int? LastPercent(string[] lines)
        {
            for (var i = lines.Length - 1; i >= 0; i--)
            {
                var match = XcProgress.Match(lines[i]);
                if (match.Success) return Math.Min(100, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            return null;
        }

        /// <summary>The last line worth showing as status: a handshake or progress line of xl, else the last line.</summary>
        public static string? LastStatusLine(string[] lines) =>
            Enumerable.Reverse(lines).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);

        /// <summary>The toolstack's own explanation of a failure: xm's <c>Error:</c> lines, xl's failure lines.</summary>
        public static string FailureText(string output)
        {
            var lines = output.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            var xm = lines.Where(l => l.StartsWith("Error:", StringComparison.Ordinal)).ToArray();
            if (xm.Length > 0) return string.Join(" ", xm);
            var xl = lines.Where(l => l.IndexOf("fail", StringComparison.OrdinalIgnoreCase) >= 0
                                      || l.IndexOf("undefined", StringComparison.OrdinalIgnoreCase) >= 0
                                      || l.StartsWith("migration ", StringComparison.Ordinal)).ToArray();
            if (xl.Length > 0) return string.Join(" ", xl.Skip(Math.Max(0, xl.Length - 6)));
            return string.Join(" ", lines.Skip(Math.Max(0, lines.Length - 3)));
        }

        /// <summary>xl's "Domain state is now undefined" block: the domain may run nowhere or twice.</summary>
        public static bool StateUndefined(string output) =>
            output.IndexOf("Domain state is now undefined", StringComparison.Ordinal) >= 0;
    }
}
