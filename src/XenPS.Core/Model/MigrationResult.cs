namespace XenPS.Core.Model
{
    /// <summary>How a migration ended, as far as XenPS could verify it.</summary>
    public enum MigrationStatus
    {
        /// <summary>The toolstack reported success and the domain runs on the destination only.</summary>
        Succeeded,

        /// <summary>The migration did not happen and the guest is intact where it was: it runs on the source as before.</summary>
        Failed,

        /// <summary>
        /// Anything else: the migration is still in progress (a timeout), or the guest is not as it was on the source
        /// (suspended, paused, shut down, crashed, gone, on both hosts) or a host could not be read; <see cref="MigrationResult.Error"/> says what to check.
        /// </summary>
        Unknown,
    }

    /// <summary>Where a domain was found after its migration.</summary>
    public enum DomainLocation
    {
        /// <summary>Both hosts' domain lists were read, and neither lists the domain under its own name.</summary>
        Neither,

        /// <summary>Only the source lists it.</summary>
        Source,

        /// <summary>Only the destination lists it.</summary>
        Destination,

        /// <summary>Both hosts list it: two copies.</summary>
        Both,

        /// <summary>A host's domain list could not be read.</summary>
        Unknown,
    }

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

        /// <summary>How the domain moved: the toolstack's migration, or (Cold) its configuration file, the guest being halted.</summary>
        public MigrationMethod Method { get; set; }

        /// <summary>Cold: the domain's configuration file, at the same path on both hosts.</summary>
        public string? ConfigFile { get; set; }

        /// <summary>Cold: the name the source's configuration file was renamed to, so that the guest no longer starts there.</summary>
        public string? SourceConfigMovedTo { get; set; }

        /// <summary>Cold: the guest was started on the destination (Move-XenDomain -Start).</summary>
        public bool Started { get; set; }

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

        /// <summary>The toolstack's own message when the migration failed.</summary>
        public string? Error { get; set; }

        public override string ToString() => $"{Domain}: {Source} -> {Destination} {Status}";
    }
}
