using XenPS.Core.Model;
using XenPS.Core.Relocation;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>What the destination must have free to receive a domain, and what it has.</summary>
    internal sealed class MemoryNeed
    {
        /// <summary>The domain's memory (MiB).</summary>
        public long MemoryMB { get; set; }

        /// <summary>What the receiving toolstack asks for on top of the memory (MiB; see <see cref="IToolstack.ReceiveOverheadMB"/>).</summary>
        public long OverheadMB { get; set; }

        /// <summary>What the overhead is made of, for the detail.</summary>
        public string OverheadText { get; set; } = "";

        public long RequiredMB => MemoryMB + OverheadMB;

        /// <summary>The destination's free memory (MiB).</summary>
        public long FreeMB { get; set; }

        /// <summary>Memory xend can take from dom0 by ballooning it down to dom0-min-mem (MiB); 0 without ballooning.</summary>
        public long BalloonMB { get; set; }

        public long AvailableMB => FreeMB + BalloonMB;

        /// <summary>
        /// xend's <c>max_free_mem</c> (balloon.py <c>free</c>): a need of this much or more is refused before any
        /// ballooning. Null where xend does not receive the domain.
        /// </summary>
        public long? CeilingMB { get; set; }

        /// <summary>The amount that may be asked for: the available memory, and less than the ceiling.</summary>
        public long AllowedMB => CeilingMB is long ceiling ? Math.Min(AvailableMB, ceiling - 1) : AvailableMB;

        public bool Fits => RequiredMB <= AllowedMB;
    }

    /// <summary>The memory rule: the destination can hold the domain plus what its toolstack adds when it receives one.</summary>
    internal static class MemoryCheck
    {
        /// <summary>True for the x86 <c>machine</c> values of xm/xl info (x86_64, i686...).</summary>
        public static bool IsX86(string architecture) =>
            architecture.StartsWith("x86", StringComparison.Ordinal) || (architecture.Length == 4 && architecture[0] == 'i' && architecture.EndsWith("86", StringComparison.Ordinal));

        /// <summary>
        /// What dom0 can give back (xend's balloon.py <c>free</c>): with <c>enable-dom0-ballooning</c>, dom0 shrinks from its
        /// current size by what is missing, as long as it stays at <c>dom0-min-mem</c> or above; without it, or with
        /// dom0 already below dom0-min-mem, nothing.
        /// </summary>
        public static long BalloonMB(XendSettings? xend, long dom0CurrentMB) =>
            xend is { Dom0Ballooning: true } ? Math.Max(0, dom0CurrentMB - xend.Dom0MinMemMB) : 0;

        /// <summary>
        /// xend's <c>max_free_mem</c> (balloon.py <c>free</c>): the total memory less dom0-min-mem with ballooning, less
        /// dom0's current size without; null when xend's settings or the total memory are not known.
        /// </summary>
        public static long? CeilingMB(XendSettings? xend, long totalMB, long dom0CurrentMB) =>
            xend is null || totalMB <= 0 ? null : totalMB - (xend.Dom0Ballooning ? xend.Dom0MinMemMB : dom0CurrentMB);

        /// <summary>The numbers for <paramref name="domain"/> on <paramref name="destination"/> (ballooning only where xend receives it).</summary>
        public static MemoryNeed Need(XenDomain domain, HostFacts destination)
        {
            var dom0 = destination.Domains.FirstOrDefault(d => d.IsDom0);
            var xend = destination.Tools.Assumed.UsesXend ? destination.Xend : null;
            var receiver = destination.Tools.Assumed;
            return new MemoryNeed
            {
                MemoryMB = domain.MemoryMB,
                OverheadMB = receiver.ReceiveOverheadMB(domain, IsX86(destination.Host.Architecture)),
                OverheadText = receiver.ReceiveOverheadText(domain),
                FreeMB = destination.Host.FreeMemoryMB,
                BalloonMB = dom0 is null ? 0 : BalloonMB(xend, dom0.MemoryMB),
                CeilingMB = dom0 is null ? null : CeilingMB(xend, destination.Host.TotalMemoryMB, dom0.MemoryMB),
            };
        }

        /// <summary>The destination's free memory (plus what xend can balloon out of dom0) covers the domain and the overhead.</summary>
        public static ReadinessCheck Memory(string name, HostFacts source, XenDomain? domain, HostFacts destination)
        {
            var id = ReadinessCheckId.Memory;
            var problem = CheckResult.FirstProblem(DomainChecks.DomainProblem(name, source, domain), destination.InfoProblem);
            if (problem != null) return CheckResult.NotChecked(id, problem);
            var need = Need(domain!, destination);
            var detail = $"{domain!.GuestName} needs {need.RequiredMB} MiB on {destination.Name}: {need.MemoryMB} MiB of memory + {need.OverheadMB} MiB {need.OverheadText}. " +
                $"{destination.Name} has {need.FreeMB} MiB free" + Ballooning(need, destination) + Ceiling(need) + ".";
            if (need.Fits) return CheckResult.Pass(id, detail);
            var tool = destination.Tools.Assumed.ShrinkDom0Command;
            var missing = need.RequiredMB - need.AllowedMB;
            return CheckResult.Fail(id, detail + $" {missing} MiB are missing.",
                $"Free at least {missing} MiB on {destination.Name}: shut down or move a domain there, or shrink dom0 ('{tool} SIZE_MB').");
        }

        private static string Ceiling(MemoryNeed need) =>
            need.CeilingMB is long ceiling && ceiling <= need.AvailableMB
                ? $", but xend refuses {ceiling} MiB or more (max_free_mem: the total memory less dom0-min-mem, or less dom0 without ballooning)"
                : "";

        private static string Ballooning(MemoryNeed need, HostFacts destination)
        {
            if (!destination.Tools.Assumed.UsesXend) return "";
            if (destination.Xend is null) return $" (dom0 ballooning not counted: {destination.XendError ?? "xend-config.sxp was not read"})";
            if (!destination.Xend.Dom0Ballooning) return " (enable-dom0-ballooning is off, so xend takes nothing from dom0)";
            return $" + {need.BalloonMB} MiB that xend can balloon out of dom0 (down to dom0-min-mem {destination.Xend.Dom0MinMemMB} MiB) = {need.AvailableMB} MiB";
        }
    }
}
