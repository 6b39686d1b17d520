using System.Text.RegularExpressions;

namespace XenPS.Core.Migration
{
    /// <summary>Reads the progress and the verdict out of what <c>xm migrate</c> and <c>xl migrate</c> print.</summary>
    public static class MigrationOutput
    {
        /// <summary>The most lines <see cref="FailureText"/> keeps: the first <see cref="HeadLines"/> (where the cause usually is) and the last ones (the verdict).</summary>
        public const int MaxFailureLines = 30;

        private const int HeadLines = 20;

        private static readonly Regex XcProgress = new Regex(@"xc: progress: .*?([0-9]+)%\s*$", RegexOptions.CultureInvariant);

        /// <summary>
        /// Lines that say how a transfer is going, not why it failed: libxc, libxl and helper lines below error level (but not
        /// libxl's report of how a child process ended), the stream and savefile banners, xm's and libxc's memory progress, and
        /// the handshake of a transfer going well (xl_migrate.c).
        /// </summary>
        private static readonly Regex Chatter = new Regex(
            @"^(xc: (info|detail|progress|debug):|libxl: (info|debug|verbose|detail):(?!.*libxl_report_child_exitstatus)|[\w-]+(:[\w-]+)?: (debug|detail):|" +
            @"migration target: (Ready to receive domain|Transfer complete|Got permission|Domain started)|" +
            @"migration sender: (Target has acknowledged|Giving target permission|Target reports successful startup)|" +
            @"Saving to .* new xl format|Loading new save file|Savefile contains|Parsing config from|Migration successful|" +
            @"Saving memory|Reloading memory)",
            RegexOptions.CultureInvariant);

        private static readonly string[] SignalNames =
        {
            "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
            "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        };

        /// <summary>
        /// The percentage of the last libxc progress line in <paramref name="lines"/>, at most 100, or null. Only a progress bar
        /// reads it, so a number too large for an int counts as 100 like any other above it, instead of failing the migration's watch.
        /// </summary>
        public static int? LastPercent(string[] lines)
        {
            for (var i = lines.Length - 1; i >= 0; i--)
            {
                var match = XcProgress.Match(lines[i]);
                if (match.Success) return int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) ? Math.Min(100, percent) : 100;
            }
            return null;
        }

        /// <summary>The last line worth showing as status: a handshake or progress line of xl, else the last line.</summary>
        public static string? LastStatusLine(string[] lines) =>
            Enumerable.Reverse(lines).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);

        /// <summary>
        /// The toolstack's own explanation of a failure: every line it printed except progress and debug chatter and the messages
        /// of a transfer going well, and except xm's usage text after its <c>Error:</c> line. Errors, fatals, signals, ssh's own
        /// messages, the shell's report of a killed process and the receiver's lines all stay, in order, on one line each joined
        /// by spaces; beyond <see cref="MaxFailureLines"/> the middle ones give way to a count.
        /// </summary>
        public static string FailureText(string output) => string.Join(" ", FailureLines(output));

        /// <summary>The lines of <see cref="FailureText"/>.</summary>
        public static IReadOnlyList<string> FailureLines(string output)
        {
            var lines = output.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            var usage = lines.FindIndex(l => l.StartsWith("Usage:", StringComparison.Ordinal));
            if (usage >= 0) lines = lines.Take(usage).ToList();
            var kept = lines.Where(l => !Chatter.IsMatch(l)).ToList();
            if (kept.Count <= MaxFailureLines) return kept;
            var tail = MaxFailureLines - HeadLines;
            return kept.Take(HeadLines)
                .Concat(new[] { $"[{kept.Count - MaxFailureLines} more lines]" })
                .Concat(kept.Skip(kept.Count - tail))
                .ToList();
        }

        /// <summary>
        /// How the toolstack's command ended, from the exit status its shell recorded: a status above 128 that names a signal
        /// (the shell's 128 + n) is reported as that signal.
        /// </summary>
        public static string ExitText(string command, int exitStatus)
        {
            if (exitStatus == 0) return $"{command} exited with status 0.";
            var signal = exitStatus - 128;
            if (signal >= 1 && signal <= 64)
            {
                var name = signal < SignalNames.Length ? SignalNames[signal] : "signal " + signal.ToString(CultureInfo.InvariantCulture);
                return $"{command} was killed by {name} (exit status {exitStatus}).";
            }
            return $"{command} exited with status {exitStatus}.";
        }

        /// <summary>xl's "Domain state is now undefined" block: the domain may run nowhere or twice.</summary>
        public static bool StateUndefined(string output) =>
            output.IndexOf("Domain state is now undefined", StringComparison.Ordinal) >= 0;
    }
}
