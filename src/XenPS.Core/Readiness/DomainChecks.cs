using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Text;

namespace XenPS.Core.Readiness
{
    /// <summary>The checks about the domain itself and its place on the destination: each a pure function of the measured facts.</summary>
    internal static class DomainChecks
    {
        /// <summary>Why the checks of a domain cannot run: the source's list is missing, it has no such domain, or it is dom0.</summary>
        public static string? DomainProblem(string name, HostFacts source, XenDomain? domain) =>
            source.DomainsProblem ?? (domain is null ? NoSuchDomain(name, source) : domain.IsDom0 ? IsDom0(domain) : null);

        /// <summary>The domain exists on the source, is a guest, runs (or is blocked) and is not being migrated already.</summary>
        public static ReadinessCheck DomainState(string name, HostFacts source, XenDomain? domain)
        {
            var id = ReadinessCheckId.DomainState;
            if (source.DomainsProblem is string problem) return CheckResult.NotChecked(id, problem);
            if (domain is null)
            {
                return CheckResult.Fail(id, NoSuchDomain(name, source), $"'Get-XenDomain -ComputerName {source.Name}' lists the domains there; give the name it shows.");
            }
            var toolstack = source.Tools.Assumed;
            var tool = toolstack.Command;
            var where = $"{domain.GuestName} on {source.Name}";
            if (domain.IsDom0) return CheckResult.Fail(id, IsDom0(domain), "Name a guest domain.");
            if (domain.State == XenDomainState.Migrating)
            {
                return CheckResult.Fail(id, $"{where} is being migrated already (listed as {domain.Name}).", "Wait until that migration has ended, then check again.");
            }
            if (domain.Id is null)
            {
                return CheckResult.Fail(id, $"{where} is defined but not running; only a running domain can be live-migrated.", $"Start it ('{tool} start {domain.Name}' on {source.Name}) or move its configuration instead.");
            }
            var state = $"{where} (id {domain.Id}) is {domain.State.ToString().ToLowerInvariant()} ({domain.StateFlags})";
            switch (domain.State)
            {
                case XenDomainState.Running:
                case XenDomainState.Blocked:
                    return CheckResult.Pass(id, state + ".");
                case XenDomainState.NoState:
                    return CheckResult.Pass(id, $"{where} (id {domain.Id}) is runnable, waiting for a CPU ({domain.StateFlags}).");
                case XenDomainState.Unknown:
                    return CheckResult.Warning(id, $"{where} (id {domain.Id}): {tool} printed no state for it, so XenPS cannot tell whether it runs; {tool} refuses to migrate a domain that does not.",
                        $"'{tool} list {domain.Name}' on {source.Name} shows its state.");
                case XenDomainState.Paused when toolstack.MigratesPausedDomains:
                    return CheckResult.Warning(id, state + $"; {tool} moves it paused, and it stays paused on the destination.", $"'{tool} unpause {domain.Name}' on {source.Name} if it should run.");
                case XenDomainState.Paused:
                    return CheckResult.Fail(id, state + $"; {toolstack.Description} migrates running domains only.", $"'{tool} unpause {domain.Name}' on {source.Name}.");
                default:
                    return CheckResult.Fail(id, state + "; only a running domain can be live-migrated.", $"Start the domain again on {source.Name} ('{tool} create' with its configuration), then check again.");
            }
        }

        /// <summary>No PCI device is passed through: it cannot follow the domain to another host.</summary>
        public static ReadinessCheck PciPassthrough(string name, HostFacts source, XenDomain? domain)
        {
            var id = ReadinessCheckId.PciPassthrough;
            if (DomainProblem(name, source, domain) is string problem) return CheckResult.NotChecked(id, problem);
            var devices = domain!.PciDevices;
            if (devices.Count == 0) return CheckResult.Pass(id, $"{domain.GuestName} has no PCI device passed through.");
            var tool = source.Tools.Assumed.Command;
            return CheckResult.Fail(id,
                $"{domain.GuestName} has {devices.Count} PCI device(s) passed through ({string.Join(", ", devices)}); they cannot move to another host.",
                $"Detach them first on {source.Name}: " + string.Join("; ", devices.Select(d => $"{tool} pci-detach {domain.Name} {d}")) + ".");
        }

        /// <summary>
        /// No domain of that name, migrating names included, is on the destination: two copies of one guest on shared
        /// storage corrupt its disks. An incoming copy is told apart: a transfer in progress (wait), the leftover of a failed
        /// migration (the exact command that removes it), or one that may still be in use (never a remedy that destroys it).
        /// </summary>
        public static ReadinessCheck NameFree(string name, XenDomain? domain, HostFacts destination)
        {
            var id = ReadinessCheckId.NameFree;
            var problem = CheckResult.FirstProblem(domain is { IsDom0: true } ? IsDom0(domain) : null, destination.DomainsProblem);
            if (problem != null) return CheckResult.NotChecked(id, problem);
            var guest = domain?.GuestName ?? XenDomain.GuestNameOf(name);
            var clash = destination.Domains.FirstOrDefault(d => d.GuestName == guest && !IncomingCopies.IsIncomingCopy(d))
                ?? destination.Domains.FirstOrDefault(d => d.GuestName == guest);
            if (clash is null) return CheckResult.Pass(id, $"{destination.Name} has no domain named {guest}.");
            var tool = destination.Tools.Assumed;
            if (IncomingCopies.IsIncomingCopy(clash))
            {
                var state = IncomingCopies.Classify(clash, destination.Receivers);
                var why = IncomingCopies.Explain(clash, state, destination.Receivers);
                return state switch
                {
                    IncomingCopyState.Stale => CheckResult.Fail(id,
                        $"{destination.Name} holds {clash.Name}, a leftover of a failed migration of {guest} ({why}); {tool.RefusesClash(clash.Name)}.",
                        $"Remove it with '{tool.Destroy(clash.Name)}' on {destination.Name}, or give Move-XenDomain -RemoveLeftover."),
                    IncomingCopyState.InProgress => CheckResult.Fail(id,
                        $"{destination.Name} is receiving {guest} right now (listed as {clash.Name}: {why}).",
                        $"Wait until that migration has ended ('Get-XenDomain -ComputerName {destination.Name} -Name {guest}' shows it under its own name, or no copy at all), then check again. Do not destroy {clash.Name} while it is being received."),
                    _ => CheckResult.Fail(id,
                        $"{destination.Name} lists {clash.Name}, an incoming copy of {guest} that may still be in use ({why}).",
                        $"Check again in a while: only a copy that is paused, has no vCPUs and no receive process is a leftover that may be removed. Do not destroy {clash.Name} before that."),
                };
            }
            return CheckResult.Fail(id,
                $"{destination.Name} already has a domain named {guest} ({(clash.Id is int domid ? "id " + domid + ", " : "")}{(clash.State == XenDomainState.Unknown ? "state unknown" : clash.State.ToString().ToLowerInvariant())}). Two copies of one guest on shared storage corrupt its disks.",
                $"Find out which copy is current; remove the other from {destination.Name} ('{tool.Destroy(clash.Name)}'" +
                (tool.DeleteManaged(clash.Name) is string delete ? $", and '{delete}' for a managed domain" : "") + ") or rename it.");
        }

        /// <summary>Every bridge the domain's interfaces are plugged into exists on the destination.</summary>
        public static ReadinessCheck Bridges(string name, HostFacts source, XenDomain? domain, HostFacts destination)
        {
            var id = ReadinessCheckId.Bridges;
            var problem = CheckResult.FirstProblem(DomainProblem(name, source, domain), destination.BridgesProblem);
            if (problem != null) return CheckResult.NotChecked(id, problem);
            var vifs = domain!.Vifs;
            if (vifs.Count == 0) return CheckResult.Skipped(id, $"{domain.GuestName} has no network interface.");
            var needed = vifs.Select(v => v.Bridge).Where(b => !string.IsNullOrEmpty(b)).Select(b => b!).Distinct(StringComparer.Ordinal).ToList();
            var unnamed = vifs.Count(v => string.IsNullOrEmpty(v.Bridge));
            var note = unnamed > 0 ? $" {unnamed} interface(s) name no bridge and get the destination's default bridge." : "";
            var missing = needed.Where(b => !destination.Host.Bridges.Contains(b)).ToList();
            if (missing.Count > 0)
            {
                var has = destination.Host.Bridges.Count == 0 ? "none" : string.Join(", ", destination.Host.Bridges);
                return CheckResult.Fail(id,
                    $"{destination.Name} has no bridge {string.Join(", ", missing)}, which {domain.GuestName} uses ({destination.Name} has: {has}).{note}",
                    $"Create bridge {string.Join(", ", missing)} on {destination.Name} with the same name and uplink as on {source.Name} (e.g. in /etc/network/interfaces), or plug the domain's interfaces into an existing bridge.");
            }
            return CheckResult.Pass(id, needed.Count == 0
                ? $"{domain.GuestName}'s interfaces name no bridge.{note}"
                : $"{destination.Name} has bridge {string.Join(", ", needed)}.{note}");
        }

        private static string NoSuchDomain(string name, HostFacts source) => $"no domain named {VisibleText.Shorten(name)} on {source.Name}";

        private static string IsDom0(XenDomain domain) => $"{domain.Name} is the host's own control domain; it cannot be migrated.";
    }
}
