namespace XenPS.Core.Migration
{
    /// <summary>How the toolstack's migrate command went, as followed on the source.</summary>
    public sealed class MigrationRun
    {
        /// <summary>The command as a user would name it: <c>xl migrate</c>, <c>xm migrate</c>.</summary>
        public string Command { get; set; } = "";

        /// <summary>Everything it printed (stdout and stderr, and its shell's own messages); null when that could not be read.</summary>
        public string? Output { get; set; }

        /// <summary>Its exit status once it has ended; null while it runs or when unknown.</summary>
        public int? ExitStatus { get; set; }

        /// <summary>The job's shell on the source was killed: no process of the job runs, and no exit status was recorded.</summary>
        public bool ShellKilled { get; set; }

        /// <summary>The wait ended at the timeout while the command still ran.</summary>
        public bool TimedOut { get; set; }

        /// <summary>The timeout that ended the wait.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>The file on the source that holds its output.</summary>
        public string LogPath { get; set; } = "";
    }
}
