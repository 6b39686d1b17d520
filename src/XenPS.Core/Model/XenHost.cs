namespace XenPS.Core.Model
{
    /// <summary>Facts of one dom0: Xen build, memory, CPUs and bridges.</summary>
    public sealed class XenHost
    {
        /// <summary>The host as the user named it (session ComputerName).</summary>
        public string ComputerName { get; set; } = "";

        /// <summary>The host's own name (the <c>host</c> line of info).</summary>
        public string HostName { get; set; } = "";

        public Toolstack Toolstack { get; set; }

        /// <summary>major.minor plus extra, e.g. <c>4.0.1</c> or <c>4.17.5-pre</c>.</summary>
        public string XenVersion { get; set; } = "";

        public int XenMajor { get; set; }

        public int XenMinor { get; set; }

        /// <summary>The <c>machine</c> line: x86_64, aarch64...</summary>
        public string Architecture { get; set; } = "";

        public long TotalMemoryMB { get; set; }

        public long FreeMemoryMB { get; set; }

        /// <summary>Physical CPUs (<c>nr_cpus</c>).</summary>
        public int Cpus { get; set; }

        public string CpuVendor { get; set; } = "";

        public string CpuModel { get; set; } = "";

        public IReadOnlyList<string> CpuFlags { get; set; } = Array.Empty<string>();

        public IReadOnlyList<string> XenCaps { get; set; } = Array.Empty<string>();

        public IReadOnlyList<string> Bridges { get; set; } = Array.Empty<string>();

        /// <summary>Every line of <c>xm info</c> / <c>xl info</c>, in order.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Info { get; set; } = Array.Empty<KeyValuePair<string, string>>();

        public override string ToString() => ComputerName;
    }
}
