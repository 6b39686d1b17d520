using XenPS.Core.Model;
using XenPS.Core.Sessions;

namespace XenPS.Core.Readiness
{
    /// <summary>What to check: domains to move from one dom0 to another, and the sessions to both (or why one could not be opened).</summary>
    public sealed class ReadinessRequest
    {
        /// <summary>Session to the source dom0; null when it could not be opened (then <see cref="SourceError"/> says why).</summary>
        public XenSession? Source { get; set; }

        /// <summary>Why no session to the source could be opened.</summary>
        public Exception? SourceError { get; set; }

        /// <summary>Session to the destination dom0; null when it could not be opened (then <see cref="DestinationError"/> says why).</summary>
        public XenSession? Destination { get; set; }

        /// <summary>Why no session to the destination could be opened.</summary>
        public Exception? DestinationError { get; set; }

        /// <summary>The source host as the user named it (the reports' Source and the log's host prefix).</summary>
        public string SourceName { get; set; } = "";

        /// <summary>
        /// The destination host as the user named it. It is one candidate for the migration target (see <see cref="MigrationTarget"/>),
        /// tried from the source; the client's own view of the host (its ssh alias, HostName and Port) is never used there.
        /// </summary>
        public string DestinationName { get; set; } = "";

        /// <summary>The domains to check, as the toolstack names them: one report each.</summary>
        public IReadOnlyList<string> Domains { get; set; } = Array.Empty<string>();

        /// <summary>
        /// The destination's name or address as the source dom0 reaches it (the migration target), or null to choose one: for xm
        /// the destination's xend-relocation-address, then <see cref="DestinationName"/>, the destination's own host name and its
        /// addresses, the first that the source reaches.
        /// </summary>
        public string? MigrationTarget { get; set; }

        /// <summary>xm: the relocation port the source connects to; null for the one in the destination's xend-config.sxp.</summary>
        public int? RelocationPort { get; set; }

        /// <summary>xl: the ssh command xl runs on the source (<c>xl migrate -s</c>); null for ssh.</summary>
        public string? SshCommand { get; set; }

        /// <summary>
        /// Halted guests, as their configuration files describe them (<see cref="Migration.ColdMove"/>): a name in
        /// <see cref="Domains"/> that the source does not list is checked as this domain.
        /// </summary>
        public IReadOnlyList<XenDomain> HaltedDomains { get; set; } = Array.Empty<XenDomain>();

        /// <summary>
        /// Nothing on either host may change (Move-XenDomain -WhatIf): the checks that write on a host, <see cref="ReadinessChecker.WritingChecks"/>,
        /// are not run and are Skipped, saying so.
        /// </summary>
        public bool ReadOnly { get; set; }

        /// <summary>Also time a bounded transfer between the two dom0s and estimate each migration's duration.</summary>
        public bool MeasureBandwidth { get; set; }

        /// <summary>
        /// The move needs no connection between the two dom0s (Move-XenDomain -SaveTo: a save and a restore through a shared folder):
        /// the source's connection tests (migration target, relocation server, ssh login, bandwidth) are not run, and the Network,
        /// Relocation, SshTrust and Bandwidth checks say so. <see cref="MeasureBandwidth"/> is then ignored.
        /// </summary>
        public bool WithoutDom0Link { get; set; }

        /// <summary>
        /// The ids of checks whose failure does not block (-SkipCheck): they still run, and a failure becomes a waived warning
        /// (see <see cref="CheckWaiver"/>). <see cref="CheckWaiver.Unwaivable"/> checks may not be named.
        /// </summary>
        public IReadOnlyCollection<string> WaivedChecks { get; set; } = Array.Empty<string>();

        /// <summary>A request for one guest between two open sessions, as a move of a single guest (cold, save and restore) makes it.</summary>
        public static ReadinessRequest ForOne(XenSession source, XenSession destination, string name, IReadOnlyCollection<string> waived, bool readOnly) => new ReadinessRequest
        {
            Source = source,
            Destination = destination,
            SourceName = source.ComputerName,
            DestinationName = destination.ComputerName,
            Domains = new[] { name },
            WaivedChecks = waived,
            ReadOnly = readOnly,
        };
    }
}
