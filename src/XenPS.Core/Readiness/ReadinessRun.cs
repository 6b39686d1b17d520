using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>One readiness request: the round trips in order (see <see cref="ReadinessChecker"/>), then the reports.</summary>
    internal sealed class ReadinessRun
    {
        private static readonly RemoteRunOptions Read = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };
        private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

        private readonly ReadinessEndpoint source;
        private readonly ReadinessEndpoint destination;
        private readonly IReadOnlyList<string> names;
        private readonly ReadinessRequest settings;
        private readonly Action<string> log;
        private readonly object logGate = new object();
        private readonly Dictionary<string, int> roundTrips = new Dictionary<string, int>(StringComparer.Ordinal);

        private HostFacts sourceFacts;
        private HostFacts destinationFacts;
        private StoragePlan plan = StoragePlan.Create(Array.Empty<XenDomain>(), "");
        private string? storageProblem;
        private LinkFacts link = new LinkFacts();
        private string? sourceFqdn;

        /// <summary><paramref name="settings"/> gives the domains, the migration target's settings and the bandwidth switch.</summary>
        public ReadinessRun(ReadinessEndpoint source, ReadinessEndpoint destination, ReadinessRequest settings, Action<string> log)
        {
            this.source = source;
            this.destination = destination;
            this.names = settings.Domains;
            this.settings = settings;
            this.log = log;
            sourceFacts = HostFacts.Unreachable(source.Name, source.Error ?? $"{source.Name} was not queried.");
            destinationFacts = HostFacts.Unreachable(destination.Name, destination.Error ?? $"{destination.Name} was not queried.");
        }

        public async Task<IReadOnlyList<ReadinessReport>> RunAsync(CancellationToken cancellationToken)
        {
            await Task.WhenAll(ProbeSourceAsync(cancellationToken), ProbeDestinationAsync(cancellationToken)).ConfigureAwait(false);
            var domains = names.Select(Domain).Where(d => d != null).Select(d => d!).GroupBy(d => d.Name).Select(g => g.First()).ToList();
            plan = StoragePlan.Create(domains, RandomToken.New());
            try
            {
                await TestFromSourceAsync(cancellationToken).ConfigureAwait(false);
                await ProbeDestinationAgainAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await RemoveMarkersAsync().ConfigureAwait(false);
            }
            return names.Select(Report).ToList();
        }

        /// <summary>Source round trip 1.</summary>
        private async Task ProbeSourceAsync(CancellationToken cancellationToken)
        {
            if (source.Shell is null) return;
            try
            {
                var sections = await RoundTripAsync(source, HostProbe.NewBatch(), "toolstack, domains, CPU, bridges", Read, cancellationToken).ConfigureAwait(false);
                sourceFacts = HostProbe.Read(source.Name, sections);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                sourceFacts = HostFacts.Unreachable(source.Name, Unanswered(source, e));
            }
        }

        /// <summary>Destination round trip 1.</summary>
        private async Task ProbeDestinationAsync(CancellationToken cancellationToken)
        {
            if (destination.Shell is null) return;
            try
            {
                var sections = await RoundTripAsync(destination, DestinationProbe.NewBatch(),
                    "toolstack, domains, CPU, bridges, xend-config.sxp, listening sockets, own host name and addresses", Read, cancellationToken).ConfigureAwait(false);
                destinationFacts = DestinationProbe.Read(destination.Name, sections);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                destinationFacts = HostFacts.Unreachable(destination.Name, Unanswered(destination, e));
            }
        }

        /// <summary>Source round trip 2: markers beside the disk images, then the connection tests.</summary>
        private async Task TestFromSourceAsync(CancellationToken cancellationToken)
        {
            storageProblem = destinationFacts.Unavailable;
            if (sourceFacts.ToolstackProblem is string problem)
            {
                link.Error = problem;
                storageProblem ??= problem;
                return;
            }
            var withStorage = plan.HasPaths && destinationFacts.Error is null && !settings.ReadOnly;
            if (settings.WithoutDom0Link)
            {
                link.Error = "not tested: this move needs no connection between the two dom0s";
                if (!withStorage) return;
            }
            var linkPlan = settings.WithoutDom0Link ? null : PlanLink();
            var batch = new RemoteBatch().Add("env", XenToolstack.PathPrefix);
            if (withStorage) batch.Add("storage", plan.SourceCommand());
            if (linkPlan != null) LinkProbe.AddSections(batch, linkPlan);
            var what = linkPlan is null ? $"markers in {plan.Markers.Count} disk folder(s)" :
                (withStorage ? $"markers in {plan.Markers.Count} disk folder(s), " : "") +
                $"migration target from {string.Join(", ", linkPlan.Target.Candidates.Select(c => c.Host))}" +
                (linkPlan.RelocationHold ? ", relocation server" : "") +
                (linkPlan.SshLogin ? ", ssh login" : "") +
                (linkPlan.MeasureBandwidth && linkPlan.SshLogin ? ", timed transfer" : "");
            var seconds = linkPlan is null ? 60 : 60 + 5 * linkPlan.Target.Candidates.Count + (linkPlan.MeasureBandwidth ? 60 : 0);
            var options = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true, Timeout = TimeSpan.FromSeconds(seconds) };
            if (withStorage) plan.MarkPending();
            try
            {
                var sections = await RoundTripAsync(source, batch, what, options, cancellationToken).ConfigureAwait(false);
                if (withStorage) plan.ReadSource(sections["storage"]);
                if (linkPlan != null) link = LinkProbe.Read(linkPlan, sections, source.Name, destination.Name);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                var unanswered = Unanswered(source, e);
                if (linkPlan != null) link.Error = unanswered;
                storageProblem ??= unanswered;
            }
        }

        private LinkPlan PlanLink()
        {
            var toolstack = sourceFacts.Tools.Assumed;
            var overSsh = toolstack.MigratesOverSsh;
            var relocation = destinationFacts.Xend?.Relocation;
            return new LinkPlan
            {
                Target = new TargetPlan
                {
                    Toolstack = toolstack.Kind,
                    RelocationPort = settings.RelocationPort ?? relocation?.Port ?? XendRelocationConfig.DefaultPort,
                    SshCommand = overSsh ? settings.SshCommand : null,
                    Candidates = MigrationTargetProbe.Candidates(settings.MigrationTarget, toolstack.Kind, relocation?.Address, destination.Name, destinationFacts.Identity),
                },
                RelocationHold = toolstack.UsesXend && destinationFacts.Xend != null,
                SshLogin = overSsh || settings.MeasureBandwidth,
                SshCommand = overSsh ? "command -v " + toolstack.Command : "true",
                MeasureBandwidth = settings.MeasureBandwidth,
            };
        }

        /// <summary>Destination round trip 2: the disk paths and markers, and (for xend's hosts-allow) the name it gives the source's address.</summary>
        private async Task ProbeDestinationAgainAsync(CancellationToken cancellationToken)
        {
            if (destinationFacts.Error != null) return;
            var withStorage = plan.HasPaths && storageProblem is null && !settings.ReadOnly;
            var sourceAddress = sourceFacts.Tools.Assumed.UsesXend ? link.Target?.SourceAddress : null;
            if (!withStorage && sourceAddress is null) return;
            var batch = new RemoteBatch().Add("env", XenToolstack.PathPrefix);
            if (sourceAddress != null) batch.Add("source-name", "getent hosts " + ShellQuote.Quote(sourceAddress) + "; true");
            if (withStorage) batch.Add("storage", plan.DestinationCommand());
            var what = string.Join(", ", new[]
            {
                withStorage ? $"{plan.Disks.Count(d => d.Path != null)} disk path(s) and their markers" : null,
                sourceAddress != null ? $"name of {sourceAddress}" : null,
            }.Where(part => part != null));
            try
            {
                var sections = await RoundTripAsync(destination, batch, what, new RemoteRunOptions { ReadOnly = false, NeedsRoot = true }, cancellationToken).ConfigureAwait(false);
                if (sourceAddress != null) sourceFqdn = Fqdn(sections["source-name"].Stdout);
                if (withStorage) plan.ReadDestination(sections["storage"]);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                storageProblem ??= Unanswered(destination, e);
            }
        }

        /// <summary>The last source round trip, only when markers may be left: runs even after a cancellation, with its own time limit.</summary>
        private async Task RemoveMarkersAsync()
        {
            var leftovers = plan.Leftovers;
            if (leftovers.Count == 0 || source.Shell is null) return;
            using var timeout = new CancellationTokenSource(CleanupTimeout);
            try
            {
                var result = await RoundTripAsync(source, new RemoteBatch().Add("remove", StoragePlan.CleanupCommand(leftovers)),
                    $"remove {leftovers.Count} marker file(s)", new RemoteRunOptions { ReadOnly = false, NeedsRoot = true }, timeout.Token).ConfigureAwait(false);
                if (result["remove"].ExitCode != 0) throw new InvalidOperationException(ProbeOutput.OneLine(result["remove"].Stderr));
            }
            catch (Exception e)
            {
                Say($"{source.Name}: could not remove the marker file(s) {string.Join(" ", leftovers)} ({e.Message}); remove them by hand.");
            }
        }

        private ReadinessReport Report(string name)
        {
            var s = sourceFacts;
            var d = destinationFacts;
            var domain = Domain(name);
            var sameHost = source.SameHostAs(destination);
            // One host under two names has no link to test: its checks would only report a loopback and offer to allow the host itself.
            ReadinessCheck Link(string id, Func<ReadinessCheck> check) =>
                sameHost is null ? check() : CheckResult.NotChecked(id, $"{source.Name} and {destination.Name} are the same host (see HostsReachable).");
            return new ReadinessReport
            {
                Domain = name,
                Source = source.Name,
                Destination = destination.Name,
                Checks = CheckWaiver.Apply(new[]
                {
                    HostChecks.HostsReachable(s, d, sameHost),
                    HostChecks.ToolstackMatch(s, d),
                    HostChecks.XenVersion(s, d),
                    HostChecks.ToolPaths(s, d),
                    HostChecks.XendRunning(s, d),
                    DomainChecks.DomainState(name, s, domain),
                    DomainChecks.PciPassthrough(name, s, domain),
                    DomainChecks.NameFree(name, domain, d),
                    StorageCheck.SharedStorage(name, s, domain, d, plan, storageProblem, settings.ReadOnly),
                    MemoryCheck.Memory(name, s, domain, d),
                    HostChecks.Cpu(s, d),
                    DomainChecks.Bridges(name, s, domain, d),
                    Link(ReadinessCheckId.Network, () => LinkChecks.Network(s, d, link)),
                    Link(ReadinessCheckId.Relocation, () => LinkChecks.Relocation(s, d, sourceFqdn, link)),
                    Link(ReadinessCheckId.SshTrust, () => LinkChecks.SshTrust(s, d, link)),
                    Link(ReadinessCheckId.Bandwidth, () => LinkChecks.Bandwidth(settings.MeasureBandwidth && !settings.WithoutDom0Link, s, d, link, domain)),
                }, settings.WaivedChecks),
                WaiverRequest = settings.WaivedChecks,
                ErrorId = ErrorIdOf(domain, s, sameHost)?.Name,
                MigrationTarget = link.Target?.Target,
                Memory = MemoryCheck.Fit(name, s, domain, d),
                EstimatedDuration = LinkChecks.EstimatedDuration(domain, link),
            };
        }

        /// <summary>The error Move-XenDomain writes for a domain that cannot be checked at all, the same for both cmdlets; null otherwise.</summary>
        private static XenErrorId? ErrorIdOf(XenDomain? domain, HostFacts source, string? sameHost) =>
            source.DomainsProblem != null ? null
            : domain is null ? XenSessionErrorId.DomainNotFound
            : domain.IsDom0 ? XenSessionErrorId.Dom0NotMigratable
            : sameHost != null ? XenSessionErrorId.SourceIsDestination
            : null;

        private XenDomain? Domain(string name) =>
            sourceFacts.DomainsProblem is null ? XenDomain.Find(sourceFacts.Domains, name) ?? settings.HaltedDomains.FirstOrDefault(d => d.Name == name) : null;

        private async Task<IReadOnlyDictionary<string, RemoteResult>> RoundTripAsync(
            ReadinessEndpoint host, RemoteBatch batch, string what, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            int number;
            lock (logGate)
            {
                roundTrips.TryGetValue(host.Name, out number);
                roundTrips[host.Name] = ++number;
            }
            Say($"{host.Name}: SSH round trip {number}: {what}");
            return await batch.RunAsync(host.Shell!, options, cancellationToken).ConfigureAwait(false);
        }

        private void Say(string line)
        {
            lock (logGate) log(line);
        }

        /// <summary>
        /// What Python's <c>socket.getfqdn</c> gives for an address, from <c>getent hosts ADDRESS</c>: the first of the
        /// canonical name and its aliases that holds a dot, else the canonical name; null when the address has no name.
        /// </summary>
        internal static string? Fqdn(string getentOutput)
        {
            var line = getentOutput.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? "";
            var names = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            return names.Count == 0 ? null : names.FirstOrDefault(n => n.Contains('.')) ?? names[0];
        }

        private static string Unanswered(ReadinessEndpoint host, Exception e) => $"{host.Name} did not answer the readiness probe: {e.Message}";
    }
}
