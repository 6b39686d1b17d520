namespace XenPS.Core.Model
{
    /// <summary>One prerequisite of a live migration, as measured on the two hosts.</summary>
    public sealed class ReadinessCheck
    {
        /// <summary>Stable identifier, e.g. <c>SharedStorage</c> (see <see cref="Readiness.ReadinessCheckId"/>).</summary>
        public string Id { get; set; } = "";

        /// <summary>Short human title.</summary>
        public string Name { get; set; } = "";

        public ReadinessStatus Status { get; set; }

        /// <summary>The measured facts behind the status.</summary>
        public string Detail { get; set; } = "";

        /// <summary>The command or change that fixes a failure or warning; null when there is nothing to do.</summary>
        public string? Remedy { get; set; }

        /// <summary>
        /// The check failed and -SkipCheck waived it: its <see cref="Status"/> is a warning and its <see cref="Detail"/> says so
        /// before the measured facts.
        /// </summary>
        public bool Waived { get; set; }

        public override string ToString() => $"{Id}: {Status}";
    }
}
