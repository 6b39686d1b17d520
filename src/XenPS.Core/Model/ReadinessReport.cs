namespace XenPS.Core.Model
{
    /// <summary>Whether one domain can be live-migrated from one host to another, check by check.</summary>
    public sealed class ReadinessReport
    {
        /// <summary>The domain as it was asked for.</summary>
        public string Domain { get; set; } = "";

        /// <summary>The source host as the user named it.</summary>
        public string Source { get; set; } = "";

        /// <summary>The destination host as the user named it.</summary>
        public string Destination { get; set; } = "";

        /// <summary>True when no check failed (warnings and skipped checks do not stop a migration).</summary>
        public bool IsReady => Checks.All(check => check.Status != ReadinessStatus.Fail);

        /// <summary>Every check, in a fixed order.</summary>
        public IReadOnlyList<ReadinessCheck> Checks { get; set; } = Array.Empty<ReadinessCheck>();

        /// <summary>The ids of the checks that failed and were waived with -SkipCheck (now warnings), in report order; empty when none was.</summary>
        /// <summary>The checks the user asked to waive (-SkipCheck), whether they failed or not: a batch that fails one later waives it too.</summary>
        internal IReadOnlyCollection<string> WaiverRequest { get; set; } = Array.Empty<string>();

        public IReadOnlyList<string> WaivedChecks => Checks.Where(check => check.Waived).Select(check => check.Id).ToList();

        /// <summary>
        /// Why the domain cannot be checked at all, as the id of the error Move-XenDomain writes for it: DomainNotFound (no such domain on
        /// the source), Dom0NotMigratable (Domain-0), SourceIsDestination (the destination is the source host); null otherwise.
        /// </summary>
        public string? ErrorId { get; set; }

        /// <summary>
        /// How the source reaches the destination for this migration, as the checks tested it and as Move-XenDomain will use it;
        /// null when none was found (the Network check says why).
        /// </summary>
        public MigrationTarget? MigrationTarget { get; set; }

        /// <summary>
        /// The memory the domain needs on the destination and what the destination has for it, after the domains of the same
        /// batch counted there before it; null when it could not be checked.
        /// </summary>
        public MemoryFit? Memory { get; set; }

        /// <summary>Memory divided by the measured bandwidth between the two dom0s; null when the bandwidth was not measured.</summary>
        public TimeSpan? EstimatedDuration { get; set; }

        public override string ToString() => $"{Domain}: {Source} -> {Destination}";
    }
}
