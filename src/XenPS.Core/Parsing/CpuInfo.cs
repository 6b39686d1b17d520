namespace XenPS.Core.Parsing
{
    /// <summary>What <c>/proc/cpuinfo</c> of a dom0 says about its processor.</summary>
    public sealed class CpuInfo
    {
        /// <summary><c>GenuineIntel</c>, <c>AuthenticAMD</c>...; on Arm the implementer's name (<c>ARM</c>, <c>Ampere</c>...) or its code.</summary>
        public string Vendor { get; set; } = "";

        /// <summary>The <c>model name</c> line; empty where the kernel prints none.</summary>
        public string Model { get; set; } = "";

        /// <summary>The x86 <c>flags</c> or Arm <c>Features</c> of the first processor, sorted, without duplicates.</summary>
        public IReadOnlyList<string> Flags { get; set; } = Array.Empty<string>();

        /// <summary>Processors the kernel lists (in a dom0 these are the dom0's vCPUs).</summary>
        public int LogicalCpus { get; set; }

        public override string ToString() => $"{Vendor} {Model}".Trim();
    }
}
