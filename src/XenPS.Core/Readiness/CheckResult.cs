using XenPS.Core.Model;

namespace XenPS.Core.Readiness
{
    /// <summary>Builds <see cref="ReadinessCheck"/> results with the title that belongs to each check.</summary>
    internal static class CheckResult
    {
        private static readonly Dictionary<string, string> Titles = new Dictionary<string, string>
        {
            [ReadinessCheckId.HostsReachable] = "Hosts reachable",
            [ReadinessCheckId.ToolstackMatch] = "Same toolstack",
            [ReadinessCheckId.XenVersion] = "Xen version",
            [ReadinessCheckId.ToolPaths] = "Tool paths",
            [ReadinessCheckId.XendRunning] = "xend running",
            [ReadinessCheckId.DomainState] = "Domain state",
            [ReadinessCheckId.PciPassthrough] = "PCI passthrough",
            [ReadinessCheckId.NameFree] = "Name free on destination",
            [ReadinessCheckId.SharedStorage] = "Shared storage",
            [ReadinessCheckId.Memory] = "Memory",
            [ReadinessCheckId.Cpu] = "CPU compatibility",
            [ReadinessCheckId.Bridges] = "Bridges",
            [ReadinessCheckId.Network] = "Network",
            [ReadinessCheckId.Relocation] = "Relocation server",
            [ReadinessCheckId.SshTrust] = "SSH trust",
            [ReadinessCheckId.Bandwidth] = "Bandwidth",
        };

        public static ReadinessCheck Pass(string id, string detail) => Make(id, ReadinessStatus.Pass, detail, null);

        public static ReadinessCheck Warning(string id, string detail, string? remedy) => Make(id, ReadinessStatus.Warning, detail, remedy);

        public static ReadinessCheck Fail(string id, string detail, string? remedy) => Make(id, ReadinessStatus.Fail, detail, remedy);

        public static ReadinessCheck Skipped(string id, string detail) => Make(id, ReadinessStatus.Skipped, detail, null);

        /// <summary>A check that could not run fails, saying why.</summary>
        public static ReadinessCheck NotChecked(string id, string reason) => Make(id, ReadinessStatus.Fail, "Not checked: " + reason, null);

        /// <summary>The first reason in <paramref name="reasons"/> that is not null.</summary>
        public static string? FirstProblem(params string?[] reasons)
        {
            foreach (var reason in reasons)
            {
                if (reason != null) return reason;
            }
            return null;
        }

        private static ReadinessCheck Make(string id, ReadinessStatus status, string detail, string? remedy) => new ReadinessCheck
        {
            Id = id,
            Name = Titles[id],
            Status = status,
            Detail = detail,
            Remedy = remedy,
        };
    }
}
