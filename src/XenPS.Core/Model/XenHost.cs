namespace XenPS.Core.Model
{
    /// <summary>Facts of one dom0: Xen build, memory, CPUs and bridges.</summary>
    public sealed class XenHost
    {
        /// <summary>The host as the user named it (session ComputerName).</summary>
        public string ComputerName { get; set; } = "";

        /// <summary>The host's own name (the <c>host</c> line of info).</summary>
        public string HostName { get; set; } = "";

        /// <summary>The toolstack the host runs: xm (with xend) or xl.</summary>
        public Toolstack Toolstack { get; set; }

        /// <summary>major.minor plus extra, e.g. <c>4.0.1</c> or <c>4.17.5-pre</c>.</summary>
        public string XenVersion { get; set; } = "";

        /// <summary>The <c>xen_major</c> line of info.</summary>
        public int XenMajor { get; set; }

        /// <summary>The <c>xen_minor</c> line of info.</summary>
        public int XenMinor { get; set; }

        /// <summary>The <c>machine</c> line: x86_64, aarch64...</summary>
        public string Architecture { get; set; } = "";

        /// <summary>The <c>total_memory</c> line of info (MiB).</summary>
        public long TotalMemoryMB { get; set; }

        /// <summary>The <c>free_memory</c> line of info: what the hypervisor has for new domains (MiB).</summary>
        public long FreeMemoryMB { get; set; }

        /// <summary>Physical CPUs (<c>nr_cpus</c>).</summary>
        public int Cpus { get; set; }

        /// <summary>The <c>vendor_id</c> of /proc/cpuinfo, e.g. AuthenticAMD.</summary>
        public string CpuVendor { get; set; } = "";

        /// <summary>The <c>model name</c> of /proc/cpuinfo.</summary>
        public string CpuModel { get; set; } = "";

        /// <summary>The <c>flags</c> of /proc/cpuinfo, as dom0 sees them.</summary>
        public IReadOnlyList<string> CpuFlags { get; set; } = Array.Empty<string>();

        /// <summary>The <c>xen_caps</c> line of info: the guest types the hypervisor runs (xen-3.0-x86_64, hvm-3.0-x86_32...).</summary>
        public IReadOnlyList<string> XenCaps { get; set; } = Array.Empty<string>();

        /// <summary>The network bridges in /sys/class/net.</summary>
        public IReadOnlyList<string> Bridges { get; set; } = Array.Empty<string>();

        /// <summary>Every line of <c>xm info</c> / <c>xl info</c>, in order.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Info { get; set; } = Array.Empty<KeyValuePair<string, string>>();

        /// <summary>An x86 <c>machine</c>: x86_64, x86_32, or i386 to i686 for a 32-bit dom0.</summary>
        public bool IsX86 =>
            Architecture.StartsWith("x86", StringComparison.Ordinal) || (Architecture.Length == 4 && Architecture[0] == 'i' && Architecture.EndsWith("86", StringComparison.Ordinal));

        public override string ToString() => ComputerName;
    }
}
