using XenPS.Core.Model;

namespace XenPS.Core.Toolstacks
{
    /// <summary>Which Xen tools a dom0 has on its PATH and which toolstack it runs.</summary>
    internal sealed class ToolFacts
    {
        /// <summary><c>command -v xm</c>; empty when xm is not installed.</summary>
        public string XmPath { get; set; } = "";

        public string XlPath { get; set; } = "";

        public string XendPath { get; set; } = "";

        /// <summary><c>xend status</c> exited 0.</summary>
        public bool XendRunning { get; set; }

        /// <summary>The toolstack in use: xm when xend runs, else xl, else xm (with xend stopped); null when neither tool is installed.</summary>
        public Toolstack? Toolstack { get; set; }
    }
}
