namespace XenPS.Core.Model
{
    /// <summary>The outcome of one Move-XenDomain.</summary>
    public sealed class MigrationResult
    {
        /// <summary>The domain as it was asked for.</summary>
        public string Domain { get; set; } = "";

        /// <summary>The source host as the user named it.</summary>
        public string Source { get; set; } = "";

        /// <summary>The destination host as the user named it.</summary>
        public string Destination { get; set; } = "";

        /// <summary>The source's toolstack, whose migrate command ran.</summary>
        public Toolstack Toolstack { get; set; }

        /// <summary>How the source reached the destination: the name or address the toolstack was given, and its port.</summary>
        public MigrationTarget? MigrationTarget { get; set; }

        /// <summary>The domain kept running while its memory was copied.</summary>
        public bool Live { get; set; }

        /// <summary>
        /// How the domain moved: the toolstack's migration, (Cold) its configuration file, the guest being halted, or
        /// (SaveRestore) its state saved to a shared folder and restored on the destination.
        /// </summary>
        public MigrationMethod Method { get; set; }

        /// <summary>Cold: the domain's configuration file, at the same path on both hosts.</summary>
        public string? ConfigFile { get; set; }

        /// <summary>Cold: the name the source's configuration file was renamed to, so that the guest no longer starts there.</summary>
        public string? SourceConfigMovedTo { get; set; }

        /// <summary>Cold: the guest was started on the destination (Move-XenDomain -Start).</summary>
        public bool Started { get; set; }

        /// <summary>
        /// SaveRestore: the guest's state file, in the folder both hosts share (Move-XenDomain -SaveTo). It is removed once the
        /// guest runs again on either host (<see cref="StateFileRemoved"/>); otherwise it holds the guest, and <see cref="Error"/>
        /// says how to restore it.
        /// </summary>
        public string? StateFile { get; set; }

        /// <summary>SaveRestore: <see cref="StateFile"/> was removed, the guest being verified running on one host.</summary>
        public bool StateFileRemoved { get; set; }

        /// <summary>Succeeded only when the toolstack reported success and the domain runs on the destination and not on the source.</summary>
        public MigrationStatus Status { get; set; }

        /// <summary>When the migrate command was started (this computer's clock).</summary>
        public DateTime StartTime { get; set; }

        /// <summary>From the start of the migrate command to the verdict.</summary>
        public TimeSpan Duration { get; set; }

        /// <summary>The domain's memory (MiB).</summary>
        public long MemoryMB { get; set; }

        /// <summary>Memory moved per second of the whole migration.</summary>
        public double? ThroughputMBps { get; set; }

        /// <summary>Where the domain was found after the migration: the destination, the source, both, neither, or unknown.</summary>
        public DomainLocation DomainLocation { get; set; }

        /// <summary>The guest's state on the source after the migration.</summary>
        public GuestState SourceState { get; set; }

        /// <summary>The guest's state on the destination after the migration (Migrating: only an incoming copy is there).</summary>
        public GuestState DestinationState { get; set; }

        /// <summary>
        /// The incoming copy a failed migration left on the destination (<c>NAME--incoming</c>, <c>migrating-NAME</c>): paused,
        /// without vCPUs, and no receive process works on it; null when there is none.
        /// </summary>
        public string? Leftover { get; set; }

        /// <summary>Move-XenDomain -RemoveLeftover destroyed <see cref="Leftover"/>.</summary>
        public bool LeftoverRemoved { get; set; }

        public bool VerifiedOnDestination { get; set; }

        /// <summary>The guest probe (Move-XenDomain -GuestProbe) and where it ran, e.g. <c>com-xp1:3389 from this computer</c>; null without one.</summary>
        public string? GuestProbe { get; set; }

        /// <summary>
        /// The longest time the guest's service did not answer the guest probe, measured from its attempts; zero when every
        /// attempt was answered; null without a probe or when the guest never answered.
        /// </summary>
        public TimeSpan? GuestDowntime { get; set; }

        /// <summary>How far <see cref="GuestDowntime"/> may be from the real outage: the spacing of the probe's attempts at its ends.</summary>
        public TimeSpan? GuestDowntimeResolution { get; set; }

        /// <summary>The guest's service answered the guest probe after the migration; null without a probe.</summary>
        public bool? GuestAnswersAfter { get; set; }

        /// <summary>The readiness checks that failed and were waived with -SkipCheck before this migration; empty when none was.</summary>
        public IReadOnlyList<string> WaivedChecks { get; set; } = Array.Empty<string>();

        /// <summary>The toolstack's own message when the migration failed.</summary>
        public string? Error { get; set; }

        public override string ToString() => $"{Domain}: {Source} -> {Destination} {Status}";
    }
}
