using System.Diagnostics;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// Moves one domain: starts the toolstack's migrate on the source (detached, under the per-domain lock), follows
    /// it, and then establishes where the domain really runs. A lost SSH connection does not end the migration or the
    /// watch: polls are read-only and reconnect, and the verdict comes from both hosts' domain lists.
    /// </summary>
    public static class MigrationOrchestrator
    {
        private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(15);
        private const int MaxPollFailures = 20;

        /// <summary>How much of the toolstack's output is kept for the verdict: its end, where the errors are.</summary>
        private const int KeptOutput = 1024 * 1024;

        /// <summary>Migrates <see cref="MigrationRequest.Domain"/> and returns the verified result.</summary>
        public static async Task<MigrationResult> MigrateAsync(MigrationRequest request, Action<MigrationProgress> progress, Action<string> log, CancellationToken cancellationToken)
        {
            var source = request.Source;
            var destination = request.Destination;
            var toolstack = new XenToolstack(source.Shell, source.Toolstack);
            var target = request.Target is null ? MigrationTargetResolver.ResolveAsync(request, log, cancellationToken) : Task.FromResult(request.Target);
            var domains = toolstack.GetDomainsAsync(cancellationToken);
            await Task.WhenAll(target, domains).ConfigureAwait(false);
            request.Target = target.Result;
            var domain = XenDomain.Find(domains.Result, request.Domain)
                ?? throw new XenSessionException(XenSessionErrorId.DomainNotFound,
                    $"No domain named '{VisibleText.Shorten(request.Domain)}' on {source.ComputerName}. Run 'Get-XenDomain -ComputerName {source.ComputerName}' to list its domains.");
            request.DomainUuid = domain.Uuid;
            if (domain.State == XenDomainState.Migrating)
            {
                throw new XenSessionException(XenSessionErrorId.MigrationInProgress,
                    $"{request.Domain} is being migrated from {source.ComputerName} already (listed as {domain.Name}); XenPS never starts a second migration of the same domain.");
            }
            if (source.Toolstack.Implementation().AlwaysLive && !request.Live)
            {
                throw new XenSessionException(XenSessionErrorId.LiveOnly, $"{source.ComputerName} uses {source.Toolstack.Implementation().Description}, which always migrates live: leave out -Live:$false.");
            }
            var result = new MigrationResult
            {
                Domain = domain.Name,
                Source = source.ComputerName,
                Destination = destination.ComputerName,
                Toolstack = source.Toolstack,
                MigrationTarget = request.Target,
                WaivedChecks = request.WaivedChecks,
                Live = request.Live,
                MemoryMB = domain.MemoryMB,
                StartTime = DateTime.Now,
            };
            var job = new RemoteMigrationJob(domain.Name) { Target = request.Target.Address.Length > 0 ? request.Target.Address : request.Target.Host };
            var command = Command(request, domain);
            log($"{source.ComputerName}: migration target {request.Target} ({request.Target.Reason})");
            log($"{source.ComputerName}: {string.Join(" ", command)}");
            using var guestProbe = await GuestProbeRun.StartAsync(request, log, cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            await job.StartAsync(source.Shell, command, request.Owner, cancellationToken).ConfigureAwait(false);
            request.Started?.Invoke(new StartedMigration(domain.Name, source.ComputerName, destination.ComputerName, string.Join(" ", command.Take(2)), job.LogPath));
            progress(new MigrationProgress(domain.Name, 0, $"{string.Join(" ", command.Take(2))} started on {source.ComputerName}"));

            var run = await FollowAsync(request, job, domain, clock, progress, log, cancellationToken).ConfigureAwait(false);
            run.Command = string.Join(" ", command.Take(2));
            run.LogPath = job.LogPath;
            result.Duration = clock.Elapsed;
            var (onSource, onDestination) = await LocateAsync(request, domain, run.TimedOut, cancellationToken).ConfigureAwait(false);
            var guest = guestProbe is null ? null : await guestProbe.StopAsync(log, cancellationToken).ConfigureAwait(false);
            MigrationVerdict.Judge(result, run, onSource, onDestination, domain.State);
            if (guest != null) guestProbe!.Apply(result, guest, request.GuestProbe!.Grace);
            if (result.Status == MigrationStatus.Succeeded && result.Duration.TotalSeconds > 0)
            {
                result.ThroughputMBps = Math.Round(result.MemoryMB / result.Duration.TotalSeconds, 1);
            }
            progress(new MigrationProgress(domain.Name, 100, result.Status.ToString()));
            return result;
        }

        /// <summary>The toolstack's migrate command for the request's chosen target (see <see cref="IToolstack.Migrate"/>).</summary>
        internal static string[] Command(MigrationRequest request, XenDomain domain) =>
            request.Source.Toolstack.Implementation().Migrate(request.Target ?? throw new InvalidOperationException("The migration target was not chosen."),
                request.Live, request.SshCommand, domain, request.Source.ComputerName);

        /// <summary>Polls the job until the toolstack ends (or the timeout); returns what it printed (null when that could not be read) and how it ended.</summary>
        private static async Task<MigrationRun> FollowAsync(MigrationRequest request, RemoteMigrationJob job, XenDomain domain, Stopwatch clock,
            Action<MigrationProgress> progress, Action<string> log, CancellationToken cancellationToken)
        {
            var output = new StringBuilder();
            long offset = 0;
            var failures = 0;
            var estimate = new TransferEstimate(domain.MemoryMB, request.EstimatedDuration);
            var wait = PollPacer.Minimum;
            var pollClock = new Stopwatch();
            while (true)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                if (request.Timeout is TimeSpan limit && clock.Elapsed > limit)
                {
                    log($"{request.Source.ComputerName}: no end of the migration within {limit.TotalSeconds:0} s; it goes on on the host.");
                    return new MigrationRun { Output = output.ToString(), TimedOut = true, Timeout = limit };
                }
                MigrationPoll poll;
                pollClock.Restart();
                var receiving = ReceivingAsync(request, domain.Name, cancellationToken);
                try
                {
                    poll = await job.PollAsync(request.Source.Shell, offset, cancellationToken).ConfigureAwait(false);
                    wait = PollPacer.Next(pollClock.Elapsed);
                    failures = 0;
                }
                catch (XenSessionException e)
                {
                    log($"{request.Source.ComputerName}: the migration could not be followed ({e.Message}); trying again.");
                    if (++failures >= MaxPollFailures) return new MigrationRun();
                    continue;
                }
                if (poll.Gone) return new MigrationRun { Output = output.ToString() };
                output.Append(poll.NewOutput);
                if (output.Length > KeptOutput) output.Remove(0, output.Length - KeptOutput);
                offset += Encoding.UTF8.GetByteCount(poll.NewOutput);
                var lines = poll.NewOutput.Replace("\r\n", "\n").Split('\n');
                foreach (var line in lines.Where(l => l.Trim().Length > 0)) log($"{request.Source.ComputerName}: {line.Trim()}");
                if (poll.ExitCode is int code)
                {
                    await job.ReleaseAsync(request.Source.Shell, cancellationToken).ConfigureAwait(false);
                    return new MigrationRun { Output = output.ToString(), ExitStatus = code };
                }
                if (poll.Ended)
                {
                    log($"{request.Source.ComputerName}: the migration job's shell was killed and no process of it runs any more; its exit status is not known.");
                    await job.ReleaseAsync(request.Source.Shell, cancellationToken).ConfigureAwait(false);
                    return new MigrationRun { Output = output.ToString(), ShellKilled = true };
                }
                estimate.Observe(clock.Elapsed, poll.SentBytes);
                var percent = MigrationOutput.LastPercent(output.ToString().Split('\n')) ?? estimate.PercentAt(clock.Elapsed);
                var elapsed = estimate.Describe(clock.Elapsed);
                var status = MigrationOutput.LastStatusLine(lines)
                    ?? (await receiving.ConfigureAwait(false) ? $"{request.Destination.ComputerName} receives it as {request.Destination.Toolstack.Implementation().IncomingName(domain.Name)}; {elapsed}" : elapsed);
                progress(new MigrationProgress(domain.Name, percent, status));
            }
        }

        /// <summary>Whether the destination lists the domain as being received (xm: migrating-NAME), where its toolstack's listing tells.</summary>
        private static async Task<bool> ReceivingAsync(MigrationRequest request, string domain, CancellationToken cancellationToken)
        {
            if (request.Destination.Toolstack.Implementation().ReceivingCommand(domain) is not string receiving) return false;
            try
            {
                var command = XenToolstack.PathPrefix + "; " + receiving;
                var result = await request.Destination.Shell.RunAsync(command, new RemoteRunOptions { ReadOnly = true, NeedsRoot = true }, cancellationToken).ConfigureAwait(false);
                return result.ExitCode == 0;
            }
            catch (XenSessionException)
            {
                return false;
            }
        }

        /// <summary>
        /// Reads the guest on both hosts, again while the source still lists it under a migration name or the destination
        /// has an incoming copy that a receive process works on (the toolstack is finishing), for at most the settle time. A
        /// leftover (paused, no vCPUs, no receive process) is not waited for; after a timeout the hosts are read once.
        /// </summary>
        private static async Task<(HostView Source, HostView Destination)> LocateAsync(MigrationRequest request, XenDomain guest, bool once, CancellationToken cancellationToken)
        {
            var settle = Stopwatch.StartNew();
            var domain = guest.Name;
            while (true)
            {
                var reads = new[] { HostView.ReadAsync(request.Source, domain, guest.Uuid, cancellationToken), HostView.ReadAsync(request.Destination, domain, guest.Uuid, cancellationToken) };
                await Task.WhenAll(reads).ConfigureAwait(false);
                var (source, destination) = (reads[0].Result, reads[1].Result);
                var copy = destination.IncomingCopy();
                var moving = source.Renamed(domain) != null
                    || (copy != null && IncomingCopies.Classify(copy, destination.Receivers) == IncomingCopyState.InProgress);
                if (once || !moving || settle.Elapsed > SettleTime) return (source, destination);
                await Task.Delay(PollPacer.Minimum, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
