using XenPS.Core.Model;

namespace XenPS.Core.Toolstacks
{
    /// <summary>Which Xen tools a dom0 has on its PATH and which toolstack it runs.</summary>
    internal sealed class ToolFacts
    {
        /// <summary><c>command -v xm</c>; empty when xm is not installed.</summary>
        public string XmPath { get; set; } = "";

        /// <summary><c>command -v xl</c>; empty when xl is not installed.</summary>
        public string XlPath { get; set; } = "";

        /// <summary><c>command -v xend</c>; empty when xend is not installed.</summary>
        public string XendPath { get; set; } = "";

        /// <summary><c>xend status</c> exited 0.</summary>
        public bool XendRunning { get; set; }

        /// <summary>The toolstack in use: xm when xend runs, else xl, else xm (with xend stopped); null when neither tool is installed.</summary>
        public Toolstack? Toolstack { get; set; }

        /// <summary>xm is installed but xend does not run, so xl was chosen: starting xend makes the host use xm.</summary>
        public bool XendStoppedBesideXm => Toolstack is Model.Toolstack chosen && !chosen.Implementation().UsesXend && XmPath.Length > 0 && !XendRunning;

        /// <summary>The toolstack the checks reason with: the one in use, else xm, whose missing tools and xend they then report.</summary>
        public IToolstack Assumed => (Toolstack ?? Model.Toolstack.Xm).Implementation();
    }
}
