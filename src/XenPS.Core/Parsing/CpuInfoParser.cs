namespace XenPS.Core.Parsing
{
    /// <summary>Reads <c>/proc/cpuinfo</c> of x86 and Arm Linux.</summary>
    public static class CpuInfoParser
    {
        /// <summary>Arm <c>CPU implementer</c> codes (Linux <c>arch/arm64/include/asm/cputype.h</c>).</summary>
        private static readonly Dictionary<string, string> ArmImplementers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["0x41"] = "ARM",
            ["0x42"] = "Broadcom",
            ["0x43"] = "Cavium",
            ["0x46"] = "Fujitsu",
            ["0x48"] = "HiSilicon",
            ["0x4e"] = "NVIDIA",
            ["0x50"] = "APM",
            ["0x51"] = "Qualcomm",
            ["0x53"] = "Samsung",
            ["0x56"] = "Marvell",
            ["0x61"] = "Apple",
            ["0x69"] = "Intel",
            ["0x6d"] = "Microsoft",
            ["0xc0"] = "Ampere",
        };

        /// <summary>
        /// Vendor, model and flags come from the first line that carries them (the first processor); LogicalCpus counts the
        /// <c>processor : N</c> lines. Unknown lines are ignored and missing ones leave empty values.
        /// </summary>
        public static CpuInfo Parse(string procCpuinfo)
        {
            if (procCpuinfo is null) throw new ArgumentNullException(nameof(procCpuinfo));
            var lines = InfoParser.Parse(procCpuinfo);
            string? First(string key) => lines.FirstOrDefault(kv => kv.Key == key).Value;
            var implementer = First("CPU implementer");
            var vendor = First("vendor_id")
                ?? (implementer is null ? null : ArmImplementers.TryGetValue(implementer, out var name) ? name : implementer);
            var flags = First("flags") ?? First("Features") ?? "";
            return new CpuInfo
            {
                Vendor = vendor ?? "",
                Model = First("model name") ?? "",
                Flags = flags.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal).ToArray(),
                LogicalCpus = lines.Count(kv => kv.Key == "processor" && Numbers.Int(kv.Value) != null),
            };
        }
    }
}
