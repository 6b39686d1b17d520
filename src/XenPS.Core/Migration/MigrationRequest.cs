using XenPS.Core.Model;
using XenPS.Core.Sessions;

namespace XenPS.Core.Migration
{
    /// <summary>One domain to move from one dom0 to another.</summary>
    public sealed class MigrationRequest
    {
        public MigrationRequest(XenSession source, XenSession destination, string domain)
        {
            Source = source ?? throw new ArgumentNullException(nameof(source));
            Destination = destination ?? throw new ArgumentNullException(nameof(destination));
            Domain = domain ?? throw new ArgumentNullException(nameof(domain));
        }

        public XenSession Source { get; }

        public XenSession Destination { get; }

        public string Domain { get; }

        /// <summary>Live migration (xm --live; xl always migrates live).</summary>
        public bool Live { get; set; } = true;

        /// <summary>xm: the relocation port the source connects to; null for the one in the destination's xend-config.sxp.</summary>
        public int? Port { get; set; }

        /// <summary>The destination's name or address as the source reaches it, given by the user; null to choose one.</summary>
        public string? MigrationTarget { get; set; }

        /// <summary>The target already chosen (by the readiness check); null to choose it before the migration starts.</summary>
        public MigrationTarget? Target { get; set; }

        /// <summary>The readiness checks that failed and were waived (<see cref="ReadinessReport.WaivedChecks"/>), for the result.</summary>
        public IReadOnlyList<string> WaivedChecks { get; set; } = Array.Empty<string>();

        /// <summary>The domain's UUID, set by the migration once it has found the domain on the source; null before.</summary>
        public string? DomainUuid { get; set; }

        /// <summary>xl: the ssh command xl runs to reach the destination (<c>xl migrate -s</c>).</summary>
        public string? SshCommand { get; set; }

        /// <summary>How long to wait for the toolstack; null waits as long as it takes.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Expected duration, for the progress of an xm migration (xm prints none).</summary>
        public TimeSpan? EstimatedDuration { get; set; }

        /// <summary>The guest probe: a service in the guest to watch through the migration; null for none.</summary>
        public GuestProbeOptions? GuestProbe { get; set; }

        /// <summary>Who holds the migration lock, written on the source for anyone who finds it taken.</summary>
        public string Owner { get; set; } = "XenPS";

        /// <summary>Told once the toolstack's command runs on the source, before it is followed; null for no one.</summary>
        public Action<StartedMigration>? Started { get; set; }
    }

    /// <summary>Where a migration stands, for a progress bar.</summary>
    /// <param name="Domain">The domain as it was asked for.</param>
    /// <param name="PercentComplete">0 to 100, or -1 when unknown.</param>
    /// <param name="Status">What the migration does now, in a few words.</param>
    public sealed record MigrationProgress(string Domain, int PercentComplete, string Status);
}
