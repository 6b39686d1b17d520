using XenPS.Core.Model;
using XenPS.Core.Parsing;

namespace XenPS.Core.Readiness
{
    /// <summary>
    /// The x86 CPU features Xen gives its guests, under the names Linux prints in a dom0's <c>/proc/cpuinfo</c>: the flags
    /// the CPU check compares.
    /// <para>
    /// Source: Xen 4.20.0, <c>xen/include/public/arch-x86/cpufeatureset.h</c>. Each feature there carries its
    /// applicability to guests: <c>A</c> all guests, <c>S</c> HVM guests, <c>H</c> HVM guests with HAP; upper case is given
    /// by default, lower case only when a domain's configuration opts in (vmx and svm for nested virtualisation, hle, mpx...),
    /// and no mark means never given to a guest (osvw, ibs, skinit, wdt, monitor, est, smx...). This table holds the
    /// features given by default, by their featureset word (the CPUID leaf and register) and bit. Left out as well are
    /// the features Xen sets for a guest whatever the host has (<c>xen/arch/x86/cpu-policy.c</c> of the same release):
    /// hypervisor (always set), apic and x2apic (emulated), ht and cmp_legacy (the toolstack's choice of topology).
    /// Xen 4.0.1 already hid osvw, ibs, skinit, wdt, svm, vmx, monitor and the debug-store flags from PV guests
    /// (<c>xen/arch/x86/traps.c</c>, <c>pv_cpuid</c>), so the rule holds for the xm releases too.
    /// </para>
    /// <para>
    /// Linux names (<c>arch/x86/include/asm/cpufeatures.h</c>): the lower-case Xen name, except where Linux prints another
    /// (<c>pni</c> for SSE3, <c>aes</c> for AESNI, <c>fxsr_opt</c> for FFXSR...). Features Linux does not print (the
    /// speculation controls of leaves 0x7 and 0x80000008, PREFETCHWT1, PKS) have no row; Linux's own synthetic flags
    /// (constant_tsc, nonstop_tsc, rep_good, nopl, cpuid, ibrs, ibpb, ssbd...) are no CPUID bit a guest reads, and have none
    /// either. A flag without a row is not compared.
    /// </para>
    /// </summary>
    internal static class CpuFeatures
    {
        /// <summary>Linux flag name → (featureset word, bit). Words: 0 = 1.edx, 1 = 1.ecx, 2 = 0x80000001.edx,
        /// 3 = 0x80000001.ecx, 4 = 0xd:1.eax, 5 = 7:0.ebx, 6 = 7:0.ecx, 8 = 0x80000008.ebx, 9 = 7:0.edx, 10 = 7:1.eax.</summary>
        private static readonly Dictionary<string, (int Word, int Bit)> GuestFeatures = Rows(
            (0, "fpu:0 vme:1 de:2 pse:3 tsc:4 msr:5 pae:6 mce:7 cx8:8 sep:11 mtrr:12 pge:13 mca:14 cmov:15 pat:16 pse36:17 "
                + "clflush:19 acpi:22 mmx:23 fxsr:24 sse:25 sse2:26 ss:27"),
            (1, "pni:0 pclmulqdq:1 ssse3:9 fma:12 cx16:13 pcid:17 sse4_1:19 sse4_2:20 movbe:22 popcnt:23 tsc_deadline_timer:24 "
                + "aes:25 xsave:26 avx:28 f16c:29 rdrand:30"),
            (2, "syscall:11 nx:20 mmxext:22 fxsr_opt:25 pdpe1gb:26 rdtscp:27 lm:29 3dnowext:30 3dnow:31"),
            (3, "lahf_lm:0 cr8_legacy:4 abm:5 sse4a:6 misalignsse:7 3dnowprefetch:8 xop:11 fma4:16 tbm:21 bpext:26"),
            (4, "xsaveopt:0 xsavec:1 xgetbv1:2 xsaves:3"),
            (5, "fsgsbase:0 tsc_adjust:1 bmi1:3 avx2:5 smep:7 bmi2:8 erms:9 invpcid:10 rtm:11 avx512f:16 avx512dq:17 rdseed:18 "
                + "adx:19 smap:20 avx512ifma:21 clflushopt:23 clwb:24 avx512cd:28 sha_ni:29 avx512bw:30 avx512vl:31"),
            (6, "avx512vbmi:1 umip:2 pku:3 avx512_vbmi2:6 gfni:8 vaes:9 vpclmulqdq:10 avx512_vnni:11 avx512_bitalg:12 "
                + "avx512_vpopcntdq:14 rdpid:22 cldemote:25"),
            (8, "clzero:0 xsaveerptr:2"),
            (9, "fsrm:4 md_clear:10 serialize:14 avx512_fp16:23 flush_l1d:28 arch_capabilities:29"),
            (10, "avx_vnni:4 avx512_bf16:5"));

        /// <summary>
        /// What guests of <paramref name="host"/> can see of its CPU: on x86 the flags of <see cref="GuestFeatures"/>, less
        /// those the host's cpuid masks hide; every other flag is the dom0's alone. On other architectures (Arm) Xen's
        /// featureset does not apply and every flag counts.
        /// </summary>
        public static GuestCpu Of(XenHost host)
        {
            if (!host.IsX86) return new GuestCpu(host.CpuFlags, Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>());
            var masks = CpuidMasks.FromCommandLine(InfoParser.Get(host.Info, "xen_commandline") ?? "");
            var visible = new List<string>();
            var masked = new List<string>();
            var hostOnly = new List<string>();
            foreach (var flag in host.CpuFlags)
            {
                if (!GuestFeatures.TryGetValue(flag, out var feature)) hostOnly.Add(flag);
                else if (masks.Hides(feature.Word, feature.Bit)) masked.Add(flag);
                else visible.Add(flag);
            }
            return new GuestCpu(visible, masked, hostOnly, masks.Options);
        }

        private static Dictionary<string, (int Word, int Bit)> Rows(params (int Word, string Features)[] words)
        {
            var rows = new Dictionary<string, (int Word, int Bit)>(StringComparer.Ordinal);
            foreach (var (word, features) in words)
            {
                foreach (var feature in features.Split(' '))
                {
                    var colon = feature.IndexOf(':');
                    rows.Add(feature.Substring(0, colon), (word, int.Parse(feature.Substring(colon + 1), CultureInfo.InvariantCulture)));
                }
            }
            return rows;
        }
    }
}
