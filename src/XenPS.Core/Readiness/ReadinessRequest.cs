using System;
using System.Collections.Generic;
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
        /// The destination host as the user named it. The source dom0 uses this name for its SSH test when it resolves there,
        /// else the destination session's HostName.
        /// </summary>
        public string DestinationName { get; set; } = "";

        /// <summary>The domains to check, as the toolstack names them: one report each.</summary>
        public IReadOnlyList<string> Domains { get; set; } = Array.Empty<string>();

        /// <summary>Also time a bounded transfer between the two dom0s and estimate each migration's duration.</summary>
        public bool MeasureBandwidth { get; set; }
    }
}
