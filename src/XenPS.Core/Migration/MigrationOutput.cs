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

        /// <summary>
        /// The toolstack's own explanation of a failure: every line it printed except progress and debug chatter and the messages
        /// of a transfer going well (xl_migrate.c's handshake), and except xm's usage text after its <c>Error:</c> line. Errors,
        /// fatal signals, ssh's own messages and the receiver's lines all stay; at most the last <see cref="MaxFailureLines"/>.
        /// </summary>
        public static string FailureText(string output)
        {
            var lines = output.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            var usage = lines.FindIndex(l => l.StartsWith("Usage:", StringComparison.Ordinal));
            if (usage >= 0) lines = lines.Take(usage).ToList();
            var kept = lines.Where(l => !Chatter.IsMatch(l)).ToList();
            var text = string.Join(" ", kept.Skip(Math.Max(0, kept.Count - MaxFailureLines)));
            return kept.Count > MaxFailureLines ? "... " + text : text;
        }

        /// <summary>The most lines <see cref="FailureText"/> keeps.</summary>
        public const int MaxFailureLines = 12;

        private static readonly Regex Chatter = new Regex(
            @"^(xc: (info|detail|progress):|libxl: (info|debug|verbose|detail):|[\w-]+(:[\w-]+)?: debug:|" +
            @"migration target: (Ready to receive domain|Transfer complete|Got permission|Domain started)|" +
            @"migration sender: (Target has acknowledged|Giving target permission)|" +
            @"Saving to migration stream|Loading new save file|Savefile contains|Parsing config from|Migration successful)",
            RegexOptions.CultureInvariant);

        /// <summary>xl's "Domain state is now undefined" block: the domain may run nowhere or twice.</summary>
        public static bool StateUndefined(string output) =>
            output.IndexOf("Domain state is now undefined", StringComparison.Ordinal) >= 0;
    }
}
