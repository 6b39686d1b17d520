using XenPS.Core.Migration;
using XenPS.Core.Readiness;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Commands
{
    /// <summary>
    /// Migrates domains to another dom0 (xm migrate through xend's relocation server, or xl migrate over SSH) after a
    /// readiness check, shows progress, and verifies where each domain runs afterwards.
    /// </summary>
    [Cmdlet(VerbsCommon.Move, "XenDomain", DefaultParameterSetName = ComputerNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MigrationResult), typeof(Job))]
    public sealed partial class MoveXenDomainCommand : MigrationCmdlet
    {
        /// <summary>
        /// Names of the domains to migrate; wildcards allowed, matched against the source's guests as Get-XenDomain matches them
        /// (Domain-0 never). A name that a domain has exactly is that domain, so completion offers names as they are, unescaped.
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Domain")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public override string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>The migrations this call watches itself (not with -AsJob), set before the first starts; read by Ctrl+C from another thread.</summary>
        private volatile MigrationBatch? batch;

        /// <summary>Live migration (the default); -Live:$false stops the domain while its memory is copied (xm only).</summary>
        [Parameter]
        public SwitchParameter Live { get; set; } = true;

        /// <summary>Seconds to wait for each migration; by default as long as it takes.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Timeout { get; set; }

        /// <summary>Migrates without running Test-XenMigrationReadiness first (-SkipCheck waives single checks instead).</summary>
        [Parameter]
        public SwitchParameter SkipReadinessCheck { get; set; }

        /// <summary>How many migrations run at once (default 2).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 2;

        /// <summary>Returns a job at once (after the readiness checks and confirmations); Receive-Job gives the results.</summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>
        /// Destroys the leftover incoming copy of a failed migration on the destination (NAME--incoming, migrating-NAME), after
        /// asking: before the migration, and after one that fails and leaves one (not with -AsJob). Only a copy that is paused,
        /// has no vCPUs and no receive process is touched, checked again right before.
        /// </summary>
        [Parameter]
        public SwitchParameter RemoveLeftover { get; set; }

        /// <summary>
        /// A TCP service in the guest, HOST:PORT (e.g. com-xp1:3389, the guest's remote desktop), that is checked before the
        /// migration, polled through it and checked after it; the result gets the guest's downtime and whether it answers after.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? GuestProbe { get; set; }

        /// <summary>Where the guest probe connects from: Client (this computer, the default), Source or Destination (a loop on that dom0 over SSH).</summary>
        /// <remarks>A string, not XenPS.Core's enum: the module's parameters are read before XenPS.Core is loaded.</remarks>
        [Parameter]
        [ValidateSet(nameof(GuestProbeLocation.Client), nameof(GuestProbeLocation.Source), nameof(GuestProbeLocation.Destination))]
        public string GuestProbeFrom { get; set; } = nameof(GuestProbeLocation.Client);

        /// <summary>Milliseconds between two connection attempts of the guest probe (default 250).</summary>
        [Parameter]
        [ValidateRange(100, 10000)]
        public int GuestProbeInterval { get; set; } = 250;

        /// <summary>Seconds the guest gets to answer the guest probe again after the migration before it is reported as not answering (default 30).</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int GuestProbeWait { get; set; } = 30;

        /// <summary>Migrates even when the guest probe gets no answer before the migration.</summary>
        [Parameter]
        public SwitchParameter SkipGuestProbeCheck { get; set; }

        /// <summary>
        /// Moves the halted guest defined by this configuration file on the source (e.g. /etc/xen/NAME.cfg) instead of migrating a
        /// running one: the file is copied to the same path on the destination, checked there, then renamed on the source to
        /// NAME.cfg.moved-to-DESTINATION.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigFile { get; set; }

        /// <summary>With -ConfigFile: starts the guest on the destination once its configuration has moved.</summary>
        [Parameter]
        public SwitchParameter Start { get; set; }

        /// <summary>
        /// Moves the running guest by save and restore instead of migrating it: the source's toolstack saves it to a state file in this
        /// folder (xm save, xl save), which both hosts must share at the same path, and the destination's toolstack restores it from
        /// there (xm restore, xl restore). The dom0s need no connection to each other; the guest does not run in between.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SaveTo { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (SkipReadinessCheck && SkipCheck.Length > 0)
            {
                ThrowTerminatingError(NewErrorRecord(new ArgumentException(
                    "Give -SkipCheck or -SkipReadinessCheck, not both: -SkipCheck runs every check and lets the named ones through, -SkipReadinessCheck runs none."),
                    XenSessionErrorId.SkipCheckConflict, SkipCheck));
            }
            if (ConfigFile != null && SaveTo != null)
            {
                ThrowTerminatingError(NewErrorRecord(new ArgumentException(
                    "Give -ConfigFile or -SaveTo, not both: -ConfigFile moves a halted guest's configuration file, -SaveTo a running guest by save and restore."),
                    XenSessionErrorId.InvalidArgument, SaveTo));
            }
            if (ConfigFile != null)
            {
                MoveCold(ConfigFile);
                return;
            }
            if (SaveTo != null)
            {
                MoveBySaveRestore(SaveTo);
                return;
            }
            var guestProbe = NewGuestProbe();
            if (Destinations.Count > 1 && SkipReadinessCheck)
            {
                ThrowTerminatingError(NewErrorRecord(new ArgumentException("Several destinations are chosen among by the readiness checks, so they cannot be skipped: give one -Destination with -SkipReadinessCheck, or leave it out."),
                    XenSessionErrorId.ReadinessCheckNeeded, Destination));
            }
            if (OpenDestinations() is not IReadOnlyList<XenSession> destinations) return;
            var resolved = new List<(HostTarget Target, Prepared Prepared)>();
            ForEachHost(async (target, ct) =>
            {
                var source = await SessionForAsync(target, ct).ConfigureAwait(false);
                var listed = await source.Reader().GetDomainsAsync(ct).ConfigureAwait(false);
                var to = destinations.Where(d => !HostIdentity.Of(source).IsSameHostAs(HostIdentity.Of(d))).ToList();
                return new Prepared(source, DomainSelection.Resolve(target.ComputerName, listed, target.Names, PatternOf), to);
            },
            (target, prepared) =>
            {
                if (Admit(prepared, destinations)) resolved.Add((target, prepared));
            });
            if (RemoveLeftover)
            {
                var names = resolved.SelectMany(r => r.Prepared.Selection.Names).Distinct(StringComparer.Ordinal).ToList();
                foreach (var destination in destinations) RemoveLeftoversBefore(destination, names);
            }
            var whatIf = WhatIfMode;
            var checkedHosts = SkipReadinessCheck ? null : RunOnEach(resolved, (r, ct) => Task.WhenAll(r.Prepared.To.Select(destination =>
            {
                var request = NewReadinessRequest(r.Target, destination.ComputerName, r.Prepared.Selection.Names);
                request.Source = r.Prepared.Source;
                request.Destination = destination;
                request.ReadOnly = whatIf;
                return ReadinessChecker.CheckAsync(request, _ => { }, ct);
            })));
            var domains = new List<(XenSession Source, string Name, IReadOnlyList<XenSession> To, IReadOnlyList<ReadinessReport>? Candidates)>();
            for (var i = 0; i < resolved.Count; i++)
            {
                var (target, prepared) = resolved[i];
                if (checkedHosts?[i].Error is Exception error)
                {
                    WriteError(ToErrorRecord(error, target.ComputerName));
                    continue;
                }
                var byDestination = checkedHosts?[i].Value;
                domains.AddRange(prepared.Selection.Names.Select((name, k) => (prepared.Source, name, prepared.To, Candidates(byDestination, k))));
            }
            var plan = SkipReadinessCheck ? null : ReadinessPlan.Plan(domains.Select(d => d.Candidates!).ToArray());
            var approved = new List<MigrationRequest>();
            var chosen = new List<ReadinessReport?>();
            for (var j = 0; j < domains.Count; j++)
            {
                var (source, name, to, _) = domains[j];
                if (plan?[j] is { Chosen: null } refused)
                {
                    WriteError(NewErrorRecord(new InvalidOperationException(NotReady(refused, source.ComputerName)), XenSessionErrorId.ReadinessCheckFailed, name));
                    continue;
                }
                var report = plan?[j].Chosen;
                var destination = report is null ? to[0] : to.First(d => string.Equals(d.ComputerName, report.Destination, StringComparison.OrdinalIgnoreCase));
                var request = new MigrationRequest(source, destination, name)
                {
                    Live = Live.IsPresent,
                    Port = RelocationPort,
                    SshCommand = SshCommand,
                    MigrationTarget = MigrationTarget,
                    Target = report?.MigrationTarget,
                    WaivedChecks = report?.WaivedChecks ?? Array.Empty<string>(),
                    Timeout = Timeout == 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(Timeout),
                    EstimatedDuration = report?.EstimatedDuration,
                    GuestProbe = guestProbe,
                };
                if (destinations.Count > 1 || ShouldProcess($"{name} on {source.ComputerName}", $"Migrate to {destination.ComputerName} ({How(report)})"))
                {
                    approved.Add(request);
                    chosen.Add(report);
                }
            }
            if (destinations.Count > 1 && approved.Count > 0)
            {
                var text = PlanText(approved, chosen);
                if (!ShouldProcess(text, text + Environment.NewLine + "Migrate these domains?", "Move-XenDomain")) return;
            }
            Migrate(approved);
        }

        /// <summary>One source's session, its domains as resolved, and the destinations that are not the source itself.</summary>
        private sealed class Prepared
        {
            public Prepared(XenSession source, DomainSelection selection, IReadOnlyList<XenSession> to)
            {
                Source = source;
                Selection = selection;
                To = to;
            }

            public XenSession Source { get; }

            public DomainSelection Selection { get; }

            public IReadOnlyList<XenSession> To { get; }
        }

        /// <summary>
        /// Whether this call runs under -WhatIf, given or by $WhatIfPreference: the readiness checks then write nothing on a host
        /// (<see cref="ReadinessRequest.ReadOnly"/>), as PowerShell's ShouldProcess says only at the confirmation, after them.
        /// </summary>
        private bool WhatIfMode => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given)
            ? ((SwitchParameter)given).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

        /// <summary>The matcher of a -Name that is a valid wildcard pattern, as Get-XenDomain matches it; null for a plain name, which is looked up as it is.</summary>
        private static Func<string, bool>? PatternOf(string name)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name)) return null;
            try
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                pattern.IsMatch("");
                return pattern.IsMatch;
            }
            catch (WildcardPatternException)
            {
                return null;
            }
        }

        /// <summary>
        /// Writes the errors of one source's names that name no guest, and of its domains when every -Destination is the source itself
        /// (see <see cref="HostIdentity.IsSameHostAs"/>); a destination that is the source among others is left out with a warning.
        /// True when some domain of the source goes on to the readiness check.
        /// </summary>
        private bool Admit(Prepared prepared, IReadOnlyList<XenSession> destinations)
        {
            foreach (var refused in prepared.Selection.Refused)
            {
                WriteError(ToErrorRecord(new XenSessionException(refused.ErrorId, refused.Message), refused.Name));
            }
            var source = prepared.Source;
            var names = prepared.Selection.Names;
            var same = destinations.Where(d => !prepared.To.Contains(d)).ToList();
            if (names.Count == 0 || same.Count == 0) return names.Count > 0;
            var hosts = string.Join(", ", same.Select(d => d.ComputerName));
            var why = string.Join("; ", same.Select(d => $"{d.ComputerName}: {HostIdentity.Of(source).Why(HostIdentity.Of(d))}"));
            if (prepared.To.Count > 0)
            {
                WriteWarning($"{hosts} left out as a destination for the domains of {source.ComputerName}: the same host ({why}).");
                return true;
            }
            foreach (var name in names)
            {
                WriteError(ToErrorRecord(new XenSessionException(XenSessionErrorId.SourceIsDestination,
                    $"{VisibleText.Shorten(name)} cannot move: -Destination {hosts} is {source.ComputerName} itself ({why}), and a domain cannot be migrated to the host it runs on. Give another dom0 as -Destination."), name));
            }
            return false;
        }

        /// <summary>A domain's report for each destination (the <paramref name="index"/>th of each list); null without the readiness checks.</summary>
        private static IReadOnlyList<ReadinessReport>? Candidates(IReadOnlyList<ReadinessReport>[]? byDestination, int index) =>
            byDestination?.Select(reports => reports[index]).ToArray();

        /// <summary>How a migration goes: live or not, the migration target the checks chose, and the checks not run under -WhatIf.</summary>
        private string How(ReadinessReport? report) => Route(report) + NotRun(report?.Checks);

        /// <summary>Live or not, and the migration target the checks chose.</summary>
        private string Route(ReadinessReport? report) =>
            (Live ? "live" : "stopped while copied") + (report?.MigrationTarget is MigrationTarget chosen ? $", via {chosen}" : "");

        /// <summary>For the what-if text: the checks that were not run because they write on a host; empty when none.</summary>
        private static string NotRun(IEnumerable<ReadinessCheck>? checks)
        {
            var ids = (checks ?? Enumerable.Empty<ReadinessCheck>()).Where(c => c.Detail.StartsWith(ReadinessChecker.NotRunReadOnly, StringComparison.Ordinal)).Select(c => c.Id).ToList();
            return ids.Count > 0 ? $"; not run under -WhatIf, as they write on a host: {string.Join(", ", ids)}" : "";
        }

        /// <summary>The plan of a move to several destinations, one line per domain, as -WhatIf and the confirmation show it.</summary>
        private string PlanText(IReadOnlyList<MigrationRequest> approved, IReadOnlyList<ReadinessReport?> reports)
        {
            var lines = approved.Select((request, i) =>
            {
                var memory = reports[i]?.Memory is MemoryFit fit ? $", {fit.RequiredMB} MiB, {fit.RemainingMB} MiB left there after it" : "";
                return $"  {request.Domain}: {request.Source.ComputerName} -> {request.Destination.ComputerName} ({Route(reports[i])}{memory})";
            });
            // The checks not run under -WhatIf are the same for every domain, so the first line says it once.
            var notRun = NotRun(reports.Where(r => r != null).SelectMany(r => r!.Checks).GroupBy(c => c.Id).Select(g => g.First()));
            return $"Migrate {approved.Count} domain(s) over {string.Join(", ", Destinations)}{notRun}:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
        }

        /// <summary>What lets a refused domain through: fixing its failed checks, and -SkipCheck for those that may be waived.</summary>
        private static string Advice(Placement refused)
        {
            var failed = refused.Candidates.SelectMany(r => r.Checks).Where(c => c.Status == ReadinessStatus.Fail).Select(c => c.Id).Distinct().ToList();
            var unwaivable = failed.Where(CheckWaiver.Unwaivable.ContainsKey).ToList();
            var other = refused.Candidates.Count > 1 ? ", or give another -Destination" : "";
            return unwaivable.Count == 0
                ? $"Fix these{other}, or give -SkipCheck {string.Join(",", failed)} to let them through as warnings."
                : $"Fix these{other} ({string.Join(", ", unwaivable)} cannot be waived).";
        }

        /// <summary>Why a domain cannot move: each destination's failed checks with their remedies.</summary>
        private string NotReady(Placement refused, string source)
        {
            var reasons = refused.Candidates.Select(report =>
                (refused.Candidates.Count > 1 ? $"to {report.Destination}: " : "") +
                string.Join(" ", report.Checks.Where(c => c.Status == ReadinessStatus.Fail).Select(c => $"[{c.Id}] {c.Detail}" + (c.Remedy is null ? "" : $" Remedy: {c.Remedy}"))));
            var where = refused.Candidates.Count > 1 ? $"any of {string.Join(", ", refused.Candidates.Select(r => r.Destination))}" : refused.Candidates[0].Destination;
            return $"{VisibleText.Shorten(refused.Domain)} cannot move from {source} to {where}: {string.Join(" ", reasons)} Nothing was changed. " +
                Advice(refused);
        }

        /// <summary>Ctrl+C: stops waiting, and says for each migration under way that it goes on on its source, and how to follow it.</summary>
        protected override void StopProcessing()
        {
            var lines = batch?.Started.StoppedWatching() ?? Array.Empty<string>();
            base.StopProcessing();
            foreach (var line in lines) Host?.UI?.WriteWarningLine(line);
            if (saveRestoreUnderWay is string note) Host?.UI?.WriteWarningLine(note);
        }

        /// <summary>The guest probe's options from the parameters; null without -GuestProbe. Terminates on an invalid probe or more than one domain.</summary>
        private GuestProbeOptions? NewGuestProbe()
        {
            if (GuestProbe is null) return null;
            if (Targets.Sum(t => t.Names.Count) != 1)
            {
                ThrowTerminatingError(NewErrorRecord(new ArgumentException("-GuestProbe watches one guest: give it with one domain, and run Move-XenDomain once per guest to probe each."),
                    XenSessionErrorId.GuestProbeNeedsOneDomain, GuestProbe));
            }
            try
            {
                return new GuestProbeOptions(GuestProbeTarget.Parse(GuestProbe))
                {
                    Location = (GuestProbeLocation)Enum.Parse(typeof(GuestProbeLocation), GuestProbeFrom, true),
                    Interval = TimeSpan.FromMilliseconds(GuestProbeInterval),
                    Grace = TimeSpan.FromSeconds(GuestProbeWait),
                    RequireAnswerBefore = !SkipGuestProbeCheck,
                };
            }
            catch (FormatException e)
            {
                ThrowTerminatingError(NewErrorRecord(e, XenSessionErrorId.InvalidGuestProbe, GuestProbe));
                return null;
            }
        }

        /// <summary>
        /// Runs the approved migrations as a batch: in a job with -AsJob, else here, writing each event on the pipeline thread
        /// as it comes.
        /// </summary>
        private void Migrate(List<MigrationRequest> approved)
        {
            if (approved.Count == 0) return;
            // Stamped once confirmed, so that the lock's owner file on the source says when the migrations really started.
            var owner = $"Move-XenDomain by {Environment.UserName}@{Environment.MachineName}, started {DateTime.Now:yyyy-MM-dd HH:mm:ss}";
            foreach (var request in approved) request.Owner = owner;
            var migrations = new MigrationBatch(approved, ThrottleLimit);
            if (AsJob)
            {
                var job = new MigrationJob(MyInvocation.Line, migrations, approved.Select(r => r.Destination.ComputerName).ToArray(), ToErrorRecord);
                JobRepository.Add(job);
                job.Start();
                WriteObject(job);
                return;
            }
            batch = migrations;
            var writer = new PipelineWriter(this, approved);
            try
            {
                foreach (var update in migrations.Run(CancellationToken)) update.Accept(writer);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>-RemoveLeftover before the migrations: each named guest's leftover on the destination, destroyed once confirmed.</summary>
        private void RemoveLeftoversBefore(XenSession destination, IReadOnlyList<string> names)
        {
            foreach (var name in names)
            {
                try
                {
                    if (Wait(() => LeftoverRemoval.FindAsync(destination, name, CancellationToken)) is XenDomain leftover) Remove(leftover, destination);
                }
                catch (XenSessionException e)
                {
                    WriteError(ToErrorRecord(e, name));
                }
            }
        }

        /// <summary>Writes a finished migration: with -RemoveLeftover its leftover is offered for removal first, then its error (unless it succeeded) and the result.</summary>
        private void Finish(MigrationResult result, XenSession destination)
        {
            if (RemoveLeftover && result.Leftover is string name)
            {
                try
                {
                    var leftover = Wait(() => LeftoverRemoval.FindAsync(destination, result.Domain, CancellationToken));
                    if (leftover?.Name == name && Remove(leftover, destination))
                    {
                        result.LeftoverRemoved = true;
                        result.Error += $" {name} was removed from {destination.ComputerName} (-RemoveLeftover).";
                    }
                }
                catch (XenSessionException e)
                {
                    WriteError(ToErrorRecord(e, name));
                }
            }
            if (MigrationRecords.Failure(result) is ErrorRecord failure) WriteError(failure);
            else if (result.GuestAnswersAfter == false) WriteWarning($"{result.Domain}: {result.Error}");
            WriteObject(result);
        }

        /// <summary>Asks, then destroys <paramref name="leftover"/>; false when not confirmed.</summary>
        private bool Remove(XenDomain leftover, XenSession destination)
        {
            var command = destination.Toolstack.Implementation().Destroy(leftover.Name);
            if (!ShouldProcess($"{leftover.Name} on {destination.ComputerName}", $"Destroy the leftover of a failed migration of {leftover.GuestName} ('{command}')")) return false;
            Wait(() => LeftoverRemoval.RemoveAsync(destination, leftover, CancellationToken));
            WriteVerbose($"{destination.ComputerName}: {command}");
            return true;
        }

        /// <summary>Writes a batch's events to the pipeline; used on the pipeline thread only.</summary>
        private sealed class PipelineWriter : IMigrationEventHandler
        {
            private readonly MoveXenDomainCommand cmdlet;
            private readonly IReadOnlyList<MigrationRequest> requests;

            public PipelineWriter(MoveXenDomainCommand cmdlet, IReadOnlyList<MigrationRequest> requests)
            {
                this.cmdlet = cmdlet;
                this.requests = requests;
            }

            public void OnProgress(MigrationProgressEvent progress) => cmdlet.WriteProgress(MigrationRecords.Progress(progress, requests[progress.Index].Destination.ComputerName));

            public void OnLog(MigrationLogEvent log) => cmdlet.WriteVerbose(log.Text);

            public void OnError(MigrationErrorEvent error) => cmdlet.WriteError(cmdlet.ToErrorRecord(error.Exception, error.Domain));

            public void OnResult(MigrationResultEvent result) => cmdlet.Finish(result.Result, requests[result.Index].Destination);

            public void OnWarning(MigrationWarningEvent warning) => cmdlet.WriteWarning(warning.Message);
        }
    }
}
