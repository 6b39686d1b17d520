using XenPS.Core.Model;
using XenPS.Core.Relocation;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>The memory rule: the destination can hold the domain plus what its toolstack adds when it receives one.</summary>
    internal static class MemoryCheck
    {
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
        public static MemoryFit Need(XenDomain domain, HostFacts destination)
        {
            var dom0 = destination.Domains.FirstOrDefault(d => d.IsDom0);
            var xend = destination.Tools.Assumed.UsesXend ? destination.Xend : null;
            var receiver = destination.Tools.Assumed;
            return new MemoryFit
            {
                MemoryMB = domain.MemoryMB,
                OverheadMB = receiver.ReceiveOverheadMB(domain, destination.Host.IsX86),
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
            if (Problem(name, source, domain, destination) is string problem) return CheckResult.NotChecked(id, problem);
            var need = Need(domain!, destination);
            var detail = $"{domain!.GuestName} needs {need.RequiredMB} MiB on {destination.Name}: {need.MemoryMB} MiB of memory + {need.OverheadMB} MiB {need.OverheadText}. " +
                $"{destination.Name} has {need.FreeMB} MiB free" + Ballooning(need, destination) + Ceiling(need) + ".";
            if (need.Fits) return CheckResult.Pass(id, detail);
            var tool = destination.Tools.Assumed.ShrinkDom0Command;
            var missing = need.RequiredMB - need.AllowedMB;
            return CheckResult.Fail(id, detail + $" {missing} MiB are missing.",
                $"Free at least {missing} MiB on {destination.Name}: shut down or move a domain there, or shrink dom0 ('{tool} SIZE_MB').");
        }

        /// <summary>The figures behind <see cref="Memory"/>, for the batch that counts several domains on one destination; null where it is not checked.</summary>
        public static MemoryFit? Fit(string name, HostFacts source, XenDomain? domain, HostFacts destination) =>
            Problem(name, source, domain, destination) is null ? Need(domain!, destination) : null;

        /// <summary>
        /// The check of <paramref name="fit"/>, a domain counted after others of its batch on <paramref name="destination"/>:
        /// <paramref name="alone"/> (its check as if it moved alone) with what those others leave for it.
        /// </summary>
        public static ReadinessCheck InBatch(ReadinessCheck alone, MemoryFit fit, string domain, string destination)
        {
            if (fit.CountedBefore.Count == 0 || alone.Status == ReadinessStatus.Fail) return alone;
            var before = $" {string.Join(", ", fit.CountedBefore)} of the same batch go to {destination} before {domain}";
            if (fit.Fits)
            {
                var detail = alone.Detail + $"{before}: {fit.AvailableMB} MiB are left for it, and {fit.RemainingMB} MiB after it.";
                return alone.Status == ReadinessStatus.Warning ? CheckResult.Warning(alone.Id, detail, alone.Remedy) : CheckResult.Pass(alone.Id, detail);
            }
            var missing = fit.RequiredMB - fit.AllowedMB;
            return CheckResult.Fail(alone.Id, alone.Detail + $"{before}, and leave {fit.AvailableMB} MiB: {missing} MiB are missing for {domain}.",
                $"Move {domain} to another destination, or fewer domains to {destination} at once, or free at least {missing} MiB on {destination}.");
        }

        private static string? Problem(string name, HostFacts source, XenDomain? domain, HostFacts destination) =>
            CheckResult.FirstProblem(DomainChecks.DomainProblem(name, source, domain), destination.InfoProblem);

        private static string Ceiling(MemoryFit need) =>
            need.CeilingMB is long ceiling && ceiling <= need.AvailableMB
                ? $", but xend refuses {ceiling} MiB or more (max_free_mem: the total memory less dom0-min-mem, or less dom0 without ballooning)"
                : "";

        private static string Ballooning(MemoryFit need, HostFacts destination)
        {
            if (!destination.Tools.Assumed.UsesXend) return "";
            if (destination.Xend is null) return $" (dom0 ballooning not counted: {destination.XendError ?? "xend-config.sxp was not read"})";
            if (!destination.Xend.Dom0Ballooning) return " (enable-dom0-ballooning is off, so xend takes nothing from dom0)";
            return $" + {need.BalloonMB} MiB that xend can balloon out of dom0 (down to dom0-min-mem {destination.Xend.Dom0MinMemMB} MiB) = {need.AvailableMB} MiB";
        }
    }
}
