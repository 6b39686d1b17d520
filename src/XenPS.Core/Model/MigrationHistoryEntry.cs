namespace XenPS.Core.Model
{
    /// <summary>How a migration of the journal ended, or that its end is not recorded.</summary>
    public enum MigrationHistoryStatus
    {
        /// <summary>The migration's result was Succeeded: the guest runs on the destination only.</summary>
        Succeeded,

        /// <summary>
        /// The migration did not happen: its result was Failed (the guest is intact on the source), or it ended with an error
        /// before the toolstack's command ran on the source (no such domain, a migration already under way, no migration target...).
        /// </summary>
        Failed,

        /// <summary>
        /// The outcome was not established: the result was Unknown, an error ended the watch after the toolstack's command had
        /// started, or no end was recorded and the process that started the migration is gone or ran on another computer.
        /// </summary>
        Unknown,

        /// <summary>XenPS stopped watching (Ctrl+C, Stop-Job); the message says whether the toolstack's command had started on the source.</summary>
        Stopped,

        /// <summary>No end is recorded yet, and the process that started the migration still runs on this computer.</summary>
        Running,
    }

    /// <summary>
    /// One migration as the journal of Move-XenDomain recorded it on this computer: its start line joined with its end line.
    /// Get-XenMigrationHistory returns these.
    /// </summary>
    public sealed class MigrationHistoryEntry
    {
        /// <summary>The migration's id, shared by its start and end lines.</summary>
        public Guid Id { get; set; }

        /// <summary>When XenPS started the migration (local time).</summary>
        public DateTime StartTime { get; set; }

        /// <summary>When it ended (local time); null while no end is recorded.</summary>
        public DateTime? EndTime { get; set; }

        /// <summary>Who started it: <c>user@computer</c> of the client.</summary>
        public string StartedBy { get; set; } = "";

        /// <summary>The process on the client that ran the migration (a PowerShell).</summary>
        public int ProcessId { get; set; }

        /// <summary>The domain as it was asked for.</summary>
        public string Domain { get; set; } = "";

        /// <summary>The domain's UUID, once the migration had found the domain on the source; null before.</summary>
        public string? DomainUuid { get; set; }

        /// <summary>The source dom0 as the user named it.</summary>
        public string Source { get; set; } = "";

        /// <summary>The destination dom0 as the user named it.</summary>
        public string Destination { get; set; } = "";

        /// <summary>The source's toolstack, which ran the migration.</summary>
        public Toolstack? Toolstack { get; set; }

        /// <summary>Live migration (xm --live; xl always migrates live).</summary>
        public bool Live { get; set; }

        /// <summary>How the source reached the destination, and why that target was chosen; null when none was chosen.</summary>
        public MigrationTarget? MigrationTarget { get; set; }

        public MigrationHistoryStatus Status { get; set; }

        /// <summary>The result's message (its Error, shortened), the error that ended the migration, or why no end is recorded.</summary>
        public string? Message { get; set; }

        /// <summary>The error id of the error that ended the migration (e.g. DomainNotFound); null when it ended with a result.</summary>
        public string? ErrorId { get; set; }

        /// <summary>
        /// The result's Duration (from the start of the toolstack's command to its end); for a migration that ended with an error, the
        /// time from its start to the error; null while no end is recorded.
        /// </summary>
        public TimeSpan? Duration { get; set; }

        /// <summary>Where the guest was found after the migration; null when the migration ended without a result.</summary>
        public DomainLocation? DomainLocation { get; set; }

        /// <summary>The guest probe's downtime (Move-XenDomain -GuestProbe); null without one.</summary>
        public TimeSpan? GuestDowntime { get; set; }

        /// <summary>The journal file the entry was read from.</summary>
        public string JournalPath { get; set; } = "";

        public override string ToString() => $"{Domain}: {Source} -> {Destination} {Status}";
    }
}
