using XenPS.Core.Model;

namespace XenPS.Core.Readiness
{
    /// <summary>The checks that compare the two dom0s, whatever the domain: each a pure function of the measured facts.</summary>
    internal static class HostChecks
    {
        /// <summary>Both hosts answered and run xm or xl; they are not one host under two names (<paramref name="sameHost"/> says why they are, else null).</summary>
        public static ReadinessCheck HostsReachable(HostFacts source, HostFacts destination, string? sameHost)
        {
            var id = ReadinessCheckId.HostsReachable;
            var problems = new List<string>();
            foreach (var host in new[] { source, destination })
            {
                if (host.Error != null) problems.Add(host.Error);
                else if (host.Tools.Toolstack is null) problems.Add($"{host.Name} is not a Xen dom0: neither xm nor xl is on the PATH (/usr/sbin, /usr/bin, /sbin, /bin).");
            }
            if (problems.Count > 0)
            {
                var unreachable = new[] { source, destination }.FirstOrDefault(h => h.Error != null);
                return CheckResult.Fail(id, string.Join(" ", problems), unreachable != null
                    ? $"Fix the cause above, then check that 'New-XenSession -ComputerName {unreachable.Name}' connects."
                    : "Name the dom0s themselves, with the Xen tools (xm or xl) installed.");
            }
            if (sameHost != null)
            {
                return CheckResult.Fail(id, $"{source.Name} and {destination.Name} are the same host ({sameHost}): a domain cannot be migrated to the host it runs on.",
                    "Name another dom0 as the destination.");
            }
            return CheckResult.Pass(id, $"{Describe(source)} and {Describe(destination)} answer over SSH.");
        }

        /// <summary>Both hosts use the same toolstack: xm only migrates to xend, xl only to xl.</summary>
        public static ReadinessCheck ToolstackMatch(HostFacts source, HostFacts destination)
        {
            var id = ReadinessCheckId.ToolstackMatch;
            if (ToolstackProblem(source, destination) is string problem) return CheckResult.NotChecked(id, problem);
            var from = source.Tools.Assumed;
            var to = destination.Tools.Assumed;
            if (from == to) return CheckResult.Pass(id, $"Both hosts use {from.Description}.");
            var detail = $"{source.Name} uses {from.Description}, {destination.Name} uses {to.Description}: neither toolstack migrates to the other.";
            var stopped = new[] { source, destination }.FirstOrDefault(h => h.Tools.XendStoppedBesideXm);
            return CheckResult.Fail(id, detail, stopped != null
                ? $"Start xend on {stopped.Name} ('/etc/init.d/xend start' there), so that both hosts use xm."
                : "Run the same toolstack on both hosts: xm with xend, or xl without xend.");
        }

        /// <summary>Same Xen major.minor (else Fail); a different extra version is a warning.</summary>
        public static ReadinessCheck XenVersion(HostFacts source, HostFacts destination)
        {
            var id = ReadinessCheckId.XenVersion;
            var problem = CheckResult.FirstProblem(source.InfoProblem, destination.InfoProblem, NoVersion(source), NoVersion(destination));
            if (problem != null) return CheckResult.NotChecked(id, problem);
            var s = source.Host;
            var d = destination.Host;
            var detail = $"{source.Name} runs Xen {s.XenVersion}, {destination.Name} Xen {d.XenVersion}";
            if (s.XenMajor != d.XenMajor || s.XenMinor != d.XenMinor)
            {
                return CheckResult.Fail(id, detail + ": the major.minor releases differ.", "Upgrade one host so that both run the same Xen major.minor release.");
            }
            if (s.XenVersion != d.XenVersion)
            {
                return CheckResult.Warning(id, detail + ": same release, different extra version.", "Install the same Xen build on both hosts when convenient.");
            }
            return CheckResult.Pass(id, $"Both hosts run Xen {s.XenVersion}.");
        }

        /// <summary>The tools installed on both hosts are at the same paths; a difference is a warning.</summary>
        public static ReadinessCheck ToolPaths(HostFacts source, HostFacts destination)
        {
            var id = ReadinessCheckId.ToolPaths;
            if (CheckResult.FirstProblem(source.Unavailable, destination.Unavailable) is string problem) return CheckResult.NotChecked(id, problem);
            var tools = new[]
            {
                ("xm", source.Tools.XmPath, destination.Tools.XmPath),
                ("xl", source.Tools.XlPath, destination.Tools.XlPath),
                ("xend", source.Tools.XendPath, destination.Tools.XendPath),
            };
            var parts = new List<string>();
            var differ = new List<string>();
            foreach (var (tool, s, d) in tools)
            {
                if (s.Length == 0 && d.Length == 0) continue;
                if (s.Length == 0 || d.Length == 0) parts.Add($"{tool} only on {(s.Length == 0 ? destination.Name : source.Name)} ({(s.Length == 0 ? d : s)})");
                else if (s == d) parts.Add($"{tool} at {s} on both");
                else differ.Add($"{tool} at {s} on {source.Name} but at {d} on {destination.Name}");
            }
            if (differ.Count > 0)
            {
                return CheckResult.Warning(id, string.Join("; ", differ.Concat(parts)) + ".", "Install the Xen tools from the same packages on both hosts.");
            }
            return CheckResult.Pass(id, parts.Count == 0 ? "Neither host has xm, xl or xend." : string.Join("; ", parts) + ".");
        }

        /// <summary>Where xm is in use, xend runs on both hosts; with xl on both it does not apply.</summary>
        public static ReadinessCheck XendRunning(HostFacts source, HostFacts destination)
        {
            var id = ReadinessCheckId.XendRunning;
            if (ToolstackProblem(source, destination) is string problem) return CheckResult.NotChecked(id, problem);
            var hosts = new[] { source, destination };
            if (hosts.All(h => !h.Tools.Assumed.UsesXend)) return CheckResult.Skipped(id, $"Both hosts use {string.Join(" and ", hosts.Select(h => h.Tools.Assumed.Command).Distinct())}, which needs no xend.");
            var stopped = hosts.Where(h => !h.Tools.XendRunning).ToList();
            if (stopped.Count == 0) return CheckResult.Pass(id, $"xend runs on {source.Name} and {destination.Name}.");
            var names = string.Join(" and ", stopped.Select(h => h.Name));
            var missing = stopped.Where(h => h.Tools.XendPath.Length == 0).Select(h => h.Name).ToList();
            var detail = $"xend does not run on {names}" + (missing.Count > 0 ? $" (not installed on {string.Join(" and ", missing)})" : "") + "; xm migrates through xend on both hosts.";
            return CheckResult.Fail(id, detail, $"Start xend on {names}: '/etc/init.d/xend start' (or 'xend start').");
        }

        /// <summary>
        /// Same CPU vendor and architecture, and every CPU feature the source gives its guests given to them by the destination
        /// too. Only what a guest can see is compared (<see cref="CpuFeatures"/>): Xen's guest featureset, less what a
        /// host's cpuid masks hide. A flag of the dom0 alone, such as osvw, is nothing a guest can depend on.
        /// <para>
        /// A guest may go back to a host it ran on: whatever it could depend on there, that host still gives. The rule
        /// needs no record of where a guest ran for this, and XenPS reads none (xm list --long and xl list -l carry no
        /// history of hosts): comparing only guest-visible features is what lets the move back pass where the hosts
        /// differ in dom0 flags alone. Where they differ in a feature guests see, the move towards the host without it
        /// fails, even for a guest that started there: the facts read do not tell where it started.
        /// </para>
        /// </summary>
        public static ReadinessCheck Cpu(HostFacts source, HostFacts destination)
        {
            var id = ReadinessCheckId.Cpu;
            var problem = CheckResult.FirstProblem(source.InfoProblem, source.CpuProblem, destination.InfoProblem, destination.CpuProblem);
            if (problem != null) return CheckResult.NotChecked(id, problem);
            var s = source.Host;
            var d = destination.Host;
            if (s.CpuVendor != d.CpuVendor || s.Architecture != d.Architecture)
            {
                return CheckResult.Fail(id,
                    $"{source.Name} has {s.CpuVendor} {s.Architecture} ({s.CpuModel}), {destination.Name} has {d.CpuVendor} {d.Architecture} ({d.CpuModel}): a running domain cannot move to another CPU vendor or architecture.",
                    "Migrate between hosts with the same CPU vendor and architecture.");
            }
            var from = CpuFeatures.Of(s);
            var to = CpuFeatures.Of(d);
            var levelling = Levelling(source.Name, from) + Levelling(destination.Name, to);
            var missing = from.Visible.Except(to.Visible).ToList();
            if (missing.Count > 0)
            {
                var listed = missing.Select(f => to.Masked.Contains(f) ? $"{f} (masked on {destination.Name})" : f);
                return CheckResult.Fail(id,
                    $"{destination.Name} ({d.CpuModel}) lacks {missing.Count} CPU feature(s) that {source.Name} ({s.CpuModel}) gives its guests: {string.Join(" ", listed)}.{levelling} A domain that uses them fails after the move.",
                    "Choose a destination whose CPU has these features, or hide them from the domain (a cpuid mask in its configuration) and restart it.");
            }
            var ignored = s.CpuFlags.Except(d.CpuFlags).Except(from.Visible).ToList();
            var unseen = ignored.Count == 0 ? "" : $" Not compared, as guests cannot see them: {string.Join(" ", ignored)}.";
            return CheckResult.Pass(id, $"Both hosts have {s.CpuVendor} {s.Architecture} CPUs, and {destination.Name} gives guests all {from.Visible.Count} CPU features that {source.Name} gives them.{unseen}{levelling}");
        }

        private static string Levelling(string name, GuestCpu cpu) =>
            cpu.MaskOptions.Count == 0 ? "" : $" {name} levels CPUID for its guests: {string.Join(" ", cpu.MaskOptions)}.";

        private static string? ToolstackProblem(HostFacts source, HostFacts destination) =>
            CheckResult.FirstProblem(source.ToolstackProblem, destination.ToolstackProblem);

        private static string? NoVersion(HostFacts host) => host.Host.XenVersion.Length == 0 ? $"{host.Name} did not report its Xen version." : null;

        private static string Describe(HostFacts host) =>
            $"{host.Name} ({host.Tools.Assumed.Description}{(host.Host.XenVersion.Length > 0 ? ", Xen " + host.Host.XenVersion : "")})";
    }
}
