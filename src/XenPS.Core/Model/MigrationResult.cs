using System;

namespace XenPS.Core.Model
{
    /// <summary>How a migration ended, as far as XenPS could verify it.</summary>
    public enum MigrationStatus
    {
        /// <summary>The toolstack reported success and the domain runs on the destination only.</summary>
        Succeeded,

        /// <summary>The migration did not happen; <see cref="MigrationResult.DomainLocation"/> says where the domain is.</summary>
        Failed,

        /// <summary>Where the domain is could not be established.</summary>
        Unknown,
    }

    /// <summary>The outcome of one Move-XenDomain.</summary>
    public sealed class MigrationResult
    {
        public string Domain { get; set; } = "";

        public string Source { get; set; } = "";

        public string Destination { get; set; } = "";

        public Toolstack Toolstack { get; set; }

        /// <summary>How the source reached the destination: the name or address the toolstack was given, and its port.</summary>
        public MigrationTarget? MigrationTarget { get; set; }

        public bool Live { get; set; }

        public MigrationStatus Status { get; set; }

        public DateTime StartTime { get; set; }

        public TimeSpan Duration { get; set; }

        public long MemoryMB { get; set; }

        /// <summary>Memory moved per second of the whole migration.</summary>
        public double? ThroughputMBps { get; set; }

        /// <summary>Where the domain was found after the migration: the destination, the source, both, or neither.</summary>
        public string DomainLocation { get; set; } = "";

        public bool VerifiedOnDestination { get; set; }

        /// <summary>The toolstack's own message when the migration failed.</summary>
        public string? Error { get; set; }

        public override string ToString() => $"{Domain}: {Source} -> {Destination} {Status}";
    }
}
