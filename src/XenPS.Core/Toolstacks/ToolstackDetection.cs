using XenPS.Core.Model;

namespace XenPS.Core.Toolstacks
{
    /// <summary>Which toolstack a dom0 runs, as found by <see cref="ToolstackDetector"/>.</summary>
    public sealed class ToolstackDetection
    {
        public ToolstackDetection(Toolstack toolstack, IReadOnlyList<Toolstack> available, bool xendRunning, string xenVersion, IReadOnlyList<KeyValuePair<string, string>> infoLines)
        {
            Toolstack = toolstack;
            Available = available ?? throw new ArgumentNullException(nameof(available));
            XendRunning = xendRunning;
            XenVersion = xenVersion ?? throw new ArgumentNullException(nameof(xenVersion));
            InfoLines = infoLines ?? throw new ArgumentNullException(nameof(infoLines));
        }

        /// <summary>The toolstack XenPS uses on the host: xl, unless xend runs and xm exists.</summary>
        public Toolstack Toolstack { get; }

        /// <summary>The toolstacks whose command is on the PATH (xm first).</summary>
        public IReadOnlyList<Toolstack> Available { get; }

        public bool XendRunning { get; }

        /// <summary><c>xen_major.xen_minor</c> and <c>xen_extra</c> (e.g. <c>4.0.1</c>); empty when no info could be read (xm with xend stopped).</summary>
        public string XenVersion { get; }

        /// <summary>The <c>xl info</c> or <c>xm info</c> lines of the chosen toolstack; empty when none could be read.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> InfoLines { get; }
    }
}
