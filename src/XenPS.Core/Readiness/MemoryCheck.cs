using XenPS.Core.Model;
using XenPS.Core.Relocation;

namespace XenPS.Core.Readiness
{
    /// <summary>What the destination must have free to receive a domain, and what it has.</summary>
    internal sealed class MemoryNeed
    {
        /// <summary>The domain's memory (MiB).</summary>
        public long MemoryMB { get; set; }

        /// <summary>xend's live-migration overhead (MiB): 1 MiB per vCPU plus 4 KiB per MiB of maxmem, rounded up to whole MiB, on x86.</summary>
        public long OverheadMB { get; set; }

        public long RequiredMB => MemoryMB + OverheadMB;

        /// <summary>The destination's free memory (MiB).</summary>
        public long FreeMB { get; set; }

        /// <summary>Memory xend can take from dom0 by ballooning it down to dom0-min-mem (MiB); 0 without ballooning.</summary>
        public long BalloonMB { get; set; }

        public long AvailableMB => FreeMB + BalloonMB;
    }

    /// <summary>The memory rule: the destination can hold the domain plus xend's live-migration overhead.</summary>
    internal static class MemoryCheck
    {
        /// <summary>
        /// xend's <c>checkLiveMigrateMemory</c> (XendDomainInfo.py, x86 only): <c>VCPUs_max * 1024 + maxmem_MiB * 4</c> KiB,
        /// rounded up to a whole MiB (<c>((kb + 1023) / 1024) * 1024</c>). Other architectures need none.
        /// </summary>
        public static long OverheadMB(int vcpus, long maxMemoryMB, bool x86) =>
            x86 ? (vcpus * 1024L + maxMemoryMB * 4 + 1023) / 1024 : 0;

        /// <summary>True for the x86 <c>machine</c> values of xm/xl info (x86_64, i686...).</summary>
        public static bool IsX86(string architecture) =>
            architecture.StartsWith("x86", StringComparison.Ordinal) || (architecture.Length == 4 && architecture[0] == 'i' && architecture.EndsWith("86", StringComparison.Ordinal));

        /// <summary>
        /// What dom0 can give back (xend's <c>balloon.free</c>): with <c>enable-dom0-ballooning</c>, dom0 shrinks from its
        /// current size down to <c>dom0-min-mem</c>; without it, nothing.
        /// </summary>
        public static long BalloonMB(XendSettings? xend, long dom0CurrentMB) =>
            xend is { Dom0Ballooning: true } ? Math.Max(0, dom0CurrentMB - xend.Dom0MinMemMB) : 0;

        /// <summary>The numbers for <paramref name="domain"/> on <paramref name="destination"/> (ballooning only where xend receives it).</summary>
        public static MemoryNeed Need(XenDomain domain, HostFacts destination)
        {
            var dom0 = destination.Domains.FirstOrDefault(d => d.IsDom0);
            var xend = destination.Tools.Assumed.UsesXend ? destination.Xend : null;
            return new MemoryNeed
            {
                MemoryMB = domain.MemoryMB,
                OverheadMB = OverheadMB(domain.VCpus, Math.Max(domain.MaxMemoryMB, domain.MemoryMB), IsX86(destination.Host.Architecture)),
                FreeMB = destination.Host.FreeMemoryMB,
                BalloonMB = dom0 is null ? 0 : BalloonMB(xend, dom0.MemoryMB),
            };
        }

        /// <summary>The destination's free memory (plus what xend can balloon out of dom0) covers the domain and the overhead.</summary>
        public static ReadinessCheck Memory(string name, HostFacts source, XenDomain? domain, HostFacts destination)
        {
            var id = ReadinessCheckId.Memory;
            var problem = CheckResult.FirstProblem(DomainChecks.DomainProblem(name, source, domain), destination.InfoProblem);
            if (problem != null) return CheckResult.NotChecked(id, problem);
            var need = Need(domain!, destination);
            var detail = $"{domain!.GuestName} needs {need.RequiredMB} MiB on {destination.Name}: {need.MemoryMB} MiB of memory + {need.OverheadMB} MiB live-migration overhead " +
                $"(1 MiB per vCPU and 4 KiB per MiB, for {domain.VCpus} vCPU(s)). {destination.Name} has {need.FreeMB} MiB free" + Ballooning(need, destination) + ".";
            if (need.AvailableMB >= need.RequiredMB) return CheckResult.Pass(id, detail);
            var tool = destination.Tools.Assumed.ShrinkDom0Command;
            return CheckResult.Fail(id, detail + $" {need.RequiredMB - need.AvailableMB} MiB are missing.",
                $"Free at least {need.RequiredMB - need.AvailableMB} MiB on {destination.Name}: shut down or move a domain there, or shrink dom0 ('{tool} SIZE_MB').");
        }

        private static string Ballooning(MemoryNeed need, HostFacts destination)
        {
            if (!destination.Tools.Assumed.UsesXend) return "";
            if (destination.Xend is null) return $" (dom0 ballooning not counted: {destination.XendError ?? "xend-config.sxp was not read"})";
            if (!destination.Xend.Dom0Ballooning) return " (enable-dom0-ballooning is off, so xend takes nothing from dom0)";
            return $" + {need.BalloonMB} MiB that xend can balloon out of dom0 (down to dom0-min-mem {destination.Xend.Dom0MinMemMB} MiB) = {need.AvailableMB} MiB";
        }
    }
}
