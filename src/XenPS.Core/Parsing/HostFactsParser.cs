using XenPS.Core.Model;

namespace XenPS.Core.Parsing
{
    /// <summary>Combines <c>xm info</c> / <c>xl info</c>, <c>/proc/cpuinfo</c> and the bridge list of one dom0 into a <see cref="XenHost"/>.</summary>
    public static class HostFactsParser
    {
        /// <summary>
        /// XenVersion is the <c>xen_version</c> line where xl prints one (4.2 and later), otherwise
        /// <c>xen_major.xen_minor</c> followed by <c>xen_extra</c> (e.g. <c>4</c>, <c>0</c>, <c>.1</c> → <c>4.0.1</c>).
        /// Memory is in MB as the toolstack prints it. Missing lines and xm's <c>(none)</c> leave the defaults;
        /// Cpus falls back to the processors of /proc/cpuinfo when <c>nr_cpus</c> is missing.
        /// </summary>
        public static XenHost Create(
            string computerName,
            Toolstack toolstack,
            IReadOnlyList<KeyValuePair<string, string>> info,
            CpuInfo cpu,
            IEnumerable<string> bridges)
        {
            if (computerName is null) throw new ArgumentNullException(nameof(computerName));
            if (info is null) throw new ArgumentNullException(nameof(info));
            if (cpu is null) throw new ArgumentNullException(nameof(cpu));
            if (bridges is null) throw new ArgumentNullException(nameof(bridges));

            string? Get(string key)
            {
                var value = InfoParser.Get(info, key);
                return string.IsNullOrEmpty(value) || value == "(none)" ? null : value;
            }

            var major = Numbers.Int(Get("xen_major"));
            var minor = Numbers.Int(Get("xen_minor"));
            var version = Get("xen_version")
                ?? (major is null || minor is null ? "" : $"{major}.{minor}{Get("xen_extra")}");
            var versionParts = version.Split('.');
            return new XenHost
            {
                ComputerName = computerName,
                HostName = Get("host") ?? "",
                Toolstack = toolstack,
                XenVersion = version,
                XenMajor = major ?? Numbers.Int(versionParts[0]) ?? 0,
                XenMinor = minor ?? (versionParts.Length > 1 ? Numbers.Int(versionParts[1]) : null) ?? 0,
                Architecture = Get("machine") ?? "",
                TotalMemoryMB = Numbers.Long(Get("total_memory")) ?? 0,
                FreeMemoryMB = Numbers.Long(Get("free_memory")) ?? 0,
                Cpus = Numbers.Int(Get("nr_cpus")) ?? cpu.LogicalCpus,
                CpuVendor = cpu.Vendor,
                CpuModel = cpu.Model,
                CpuFlags = cpu.Flags,
                XenCaps = (Get("xen_caps") ?? "").Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries),
                Bridges = BridgeListParser.Normalize(bridges),
                Info = info,
            };
        }
    }
}
