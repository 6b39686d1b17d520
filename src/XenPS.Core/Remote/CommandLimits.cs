using System.Text.RegularExpressions;
using XenPS.Core.Text;

namespace XenPS.Core.Remote
{
    /// <summary>
    /// How long one remote command may run and how much it may print. A command's own limit wins over its session's, which wins
    /// over the defaults: 300 seconds and 16 MiB (standard output and error together). The defaults are far above what a dom0's
    /// toolstack prints or takes (a list of a thousand domains is a few MiB) and bound what a broken or hostile tool can cost.
    /// A migration never runs inside one command: it is started detached and polled with short commands.
    /// </summary>
    public static class CommandLimits
    {
        /// <summary>The time limit of a command when neither it nor its session gives one.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

        /// <summary>The output limit (bytes) of a command when neither it nor its session gives one.</summary>
        public const long DefaultMaxOutputBytes = 16L * 1024 * 1024;

        private static readonly Regex PlainQuotedWord = new Regex("(?<=^|\\s)'([A-Za-z0-9_./:=@%+,-]+)'(?=\\s|;|$)", RegexOptions.CultureInvariant);

        /// <summary>Longest description of a command in a message.</summary>
        private const int DescriptionLength = 100;

        /// <summary>
        /// The limit that applies: <paramref name="command"/>'s, else <paramref name="session"/>'s, else <see cref="DefaultTimeout"/>;
        /// null (no limit) for <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> or a limit longer than a timer can wait (about 24 days).
        /// </summary>
        public static TimeSpan? Timeout(TimeSpan? command, TimeSpan? session)
        {
            var limit = command ?? session ?? DefaultTimeout;
            return limit <= TimeSpan.Zero || limit.TotalMilliseconds > int.MaxValue ? (TimeSpan?)null : limit;
        }

        /// <summary>The output limit that applies: <paramref name="command"/>'s, else <paramref name="session"/>'s, else <see cref="DefaultMaxOutputBytes"/>.</summary>
        public static long MaxOutputBytes(long? command, long? session) => command ?? session ?? DefaultMaxOutputBytes;

        /// <summary>
        /// A command as a message names it: its first non-blank line, with the quotes around plain words removed (<c>'xl' 'list'</c>
        /// reads <c>xl list</c>), control characters escaped, at most 100 characters.
        /// </summary>
        public static string Describe(string command)
        {
            var line = command.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            line = VisibleText.Escape(PlainQuotedWord.Replace(line, "$1"));
            return line.Length <= DescriptionLength ? line : line.Substring(0, DescriptionLength - 3) + "...";
        }

        /// <summary>A byte count as a message gives it: <c>16 MiB</c>, <c>1.5 KiB</c>, <c>512 bytes</c>.</summary>
        public static string DescribeBytes(long bytes)
        {
            if (bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
            if (bytes < 1024 * 1024) return (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB";
            return (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB";
        }

        /// <summary>A time limit as a message gives it: seconds below an hour, else h:mm:ss.</summary>
        public static string DescribeTime(TimeSpan span) =>
            span.TotalSeconds < 3600 ? span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s" : span.ToString();
    }
}
