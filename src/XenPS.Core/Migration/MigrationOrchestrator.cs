using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Sessions;
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
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
        private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(15);
        private const double AssumedMBps = 100;
        private const int MaxPollFailures = 20;

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
            var domain = domains.Result.FirstOrDefault(d => d.GuestName == request.Domain)
                ?? throw new XenSessionException("DomainNotFound", $"No domain named '{request.Domain}' on {source.ComputerName}.");
            if (domain.State == XenDomainState.Migrating)
            {
                throw new XenSessionException("MigrationInProgress",
                    $"{request.Domain} is being migrated from {source.ComputerName} already (listed as {domain.Name}); XenPS never starts a second migration of the same domain.");
            }
            if (source.Toolstack == Toolstack.Xl && !request.Live)
            {
                throw new XenSessionException("LiveOnly", $"{source.ComputerName} uses xl, which always migrates live: leave out -Live:$false.");
            }
            var result = new MigrationResult
            {
                Domain = domain.Name,
                Source = source.ComputerName,
                Destination = destination.ComputerName,
                Toolstack = source.Toolstack,
                MigrationTarget = request.Target,
                Live = request.Live,
                MemoryMB = domain.MemoryMB,
                StartTime = DateTime.Now,
            };
            var job = new RemoteMigrationJob(domain.Name);
            var command = Command(request, domain.Name);
            log($"{source.ComputerName}: migration target {request.Target} ({request.Target.Reason})");
            log($"{source.ComputerName}: {string.Join(" ", command)}");
            var clock = Stopwatch.StartNew();
            await job.StartAsync(source.Shell, command, request.Owner, cancellationToken).ConfigureAwait(false);
            progress(new MigrationProgress(domain.Name, 0, $"{string.Join(" ", command.Take(2))} started on {source.ComputerName}"));

            var output = await FollowAsync(request, job, domain, clock, progress, log, cancellationToken).ConfigureAwait(false);
            result.Duration = clock.Elapsed;
            await LocateAsync(request, result, cancellationToken).ConfigureAwait(false);
            Judge(result, output);
            if (result.Status == MigrationStatus.Succeeded && result.Duration.TotalSeconds > 0)
            {
                result.ThroughputMBps = Math.Round(result.MemoryMB / result.Duration.TotalSeconds, 1);
            }
            progress(new MigrationProgress(domain.Name, 100, result.Status.ToString()));
            return result;
        }

        /// <summary>
        /// The toolstack's migrate command for the chosen target. xm always gets the port: without <c>-p</c> xend connects to
        /// the port in the source's own xend-config.sxp (XendDomain._domain_migrate), which need not be the destination's.
        /// </summary>
        internal static string[] Command(MigrationRequest request, string domain)
        {
            var target = request.Target ?? throw new InvalidOperationException("The migration target was not chosen.");
            if (request.Source.Toolstack == Toolstack.Xm)
            {
                var words = new List<string> { "xm", "migrate" };
                if (request.Live) words.Add("--live");
                words.AddRange(new[] { "-p", target.Port.ToString(CultureInfo.InvariantCulture) });
                words.Add(domain);
                words.Add(target.Host);
                return words.ToArray();
            }
            var xl = new List<string> { "xl", "migrate" };
            if (!string.IsNullOrEmpty(request.SshCommand)) xl.AddRange(new[] { "-s", request.SshCommand! });
            xl.Add(domain);
            xl.Add(target.Host);
            return xl.ToArray();
        }

        /// <summary>Polls the job until the toolstack ends (or the timeout); returns everything it printed, or null when that could not be read.</summary>
        private static async Task<string?> FollowAsync(MigrationRequest request, RemoteMigrationJob job, XenDomain domain, Stopwatch clock,
            Action<MigrationProgress> progress, Action<string> log, CancellationToken cancellationToken)
        {
            var output = new StringBuilder();
            long offset = 0;
            var failures = 0;
            var estimate = request.EstimatedDuration ?? TimeSpan.FromSeconds(Math.Max(1, domain.MemoryMB / AssumedMBps));
            while (true)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                if (request.Timeout is TimeSpan limit && clock.Elapsed > limit)
                {
                    log($"{request.Source.ComputerName}: no end of the migration within {limit.TotalSeconds:0} s; it goes on on the host.");
                    return output.ToString();
                }
                MigrationPoll poll;
                var receiving = request.Source.Toolstack == Toolstack.Xm ? ReceivingAsync(request, domain.Name, cancellationToken) : Task.FromResult(false);
                try
                {
                    poll = await job.PollAsync(request.Source.Shell, offset, cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (XenSessionException e)
                {
                    log($"{request.Source.ComputerName}: the migration could not be followed ({e.Message}); trying again.");
                    if (++failures >= MaxPollFailures) return null;
                    continue;
                }
                if (poll.Gone) return output.ToString();
                output.Append(poll.NewOutput);
                offset += Encoding.UTF8.GetByteCount(poll.NewOutput);
                var lines = poll.NewOutput.Replace("\r\n", "\n").Split('\n');
                foreach (var line in lines.Where(l => l.Trim().Length > 0)) log($"{request.Source.ComputerName}: {line.Trim()}");
                if (poll.ExitCode is int code)
                {
                    await job.ReleaseAsync(request.Source.Shell, cancellationToken).ConfigureAwait(false);
                    output.Append(code == 0 ? "" : $"\n(exit code {code})");
                    return output.ToString();
                }
                var percent = MigrationOutput.LastPercent(output.ToString().Split('\n'))
                    ?? (int)Math.Min(99, 100 * clock.Elapsed.TotalSeconds / estimate.TotalSeconds);
                var elapsed = $"{clock.Elapsed.TotalSeconds:0} s of about {estimate.TotalSeconds:0} s";
                var status = MigrationOutput.LastStatusLine(lines)
                    ?? (await receiving.ConfigureAwait(false) ? $"{request.Destination.ComputerName} receives it as migrating-{domain.Name}; {elapsed}" : elapsed);
                progress(new MigrationProgress(domain.Name, percent, status));
            }
        }

        /// <summary>xm: whether the destination lists the domain as migrating-NAME, the sign that its memory is being received.</summary>
        private static async Task<bool> ReceivingAsync(MigrationRequest request, string domain, CancellationToken cancellationToken)
        {
            try
            {
                var command = "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; " + ShellQuote.Join("xm", "list", "migrating-" + domain) + " >/dev/null 2>&1";
                var result = await request.Destination.Shell.RunAsync(command, new RemoteRunOptions { ReadOnly = true, NeedsRoot = true }, cancellationToken).ConfigureAwait(false);
                return result.ExitCode == 0;
            }
            catch (XenSessionException)
            {
                return false;
            }
        }

        /// <summary>Looks for the domain on both hosts until no migration name (migrating-X, X--incoming) is left, or the settle time ends.</summary>
        private static async Task LocateAsync(MigrationRequest request, MigrationResult result, CancellationToken cancellationToken)
        {
            var settle = Stopwatch.StartNew();
            while (true)
            {
                var onSource = await FindAsync(request.Source, result.Domain, cancellationToken).ConfigureAwait(false);
                var onDestination = await FindAsync(request.Destination, result.Domain, cancellationToken).ConfigureAwait(false);
                var moving = (onSource?.Any(d => d.State == XenDomainState.Migrating) ?? false) || (onDestination?.Any(d => d.State == XenDomainState.Migrating) ?? false);
                if (!moving || settle.Elapsed > SettleTime)
                {
                    var there = onDestination?.Any(d => d.Name == result.Domain && (d.State == XenDomainState.Running || d.State == XenDomainState.Blocked || d.State == XenDomainState.NoState)) ?? false;
                    var here = onSource?.Any(d => d.Name == result.Domain) ?? false;
                    result.VerifiedOnDestination = there && onSource != null && !here;
                    result.DomainLocation = onSource == null || onDestination == null ? "unknown"
                        : there && here ? "both" : there ? "destination" : here ? "source" : "neither";
                    return;
                }
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        private static async Task<List<XenDomain>?> FindAsync(XenSession session, string domain, CancellationToken cancellationToken)
        {
            try
            {
                var domains = await new XenToolstack(session.Shell, session.Toolstack).GetDomainsAsync(cancellationToken).ConfigureAwait(false);
                return domains.Where(d => d.GuestName == domain).ToList();
            }
            catch (XenSessionException)
            {
                return null;
            }
        }

        internal static void Judge(MigrationResult result, string? output)
        {
            var succeeded = output != null && !output.Contains("(exit code ") && result.VerifiedOnDestination;
            if (succeeded)
            {
                result.Status = MigrationStatus.Succeeded;
                return;
            }
            var message = output == null ? "the migration's output could not be read" : MigrationOutput.FailureText(output);
            if (output != null && MigrationOutput.StateUndefined(output))
            {
                result.Status = MigrationStatus.Unknown;
                result.Error = $"{message} xl reports that the domain's state is undefined: check both hosts now (xl list on {result.Source} and {result.Destination}), keep at most one copy running, and check its disks before starting it again.";
                return;
            }
            switch (result.DomainLocation)
            {
                case "source":
                    result.Status = MigrationStatus.Failed;
                    result.Error = $"{message} {result.Domain} still runs on {result.Source}.";
                    break;
                case "destination":
                    result.Status = MigrationStatus.Unknown;
                    result.Error = $"{message} {result.Domain} runs on {result.Destination}, but the toolstack did not report success.";
                    break;
                case "both":
                    result.Status = MigrationStatus.Unknown;
                    result.Error = $"{message} {result.Domain} exists on both {result.Source} and {result.Destination}: stop one copy before anything writes to its disks twice.";
                    break;
                default:
                    result.Status = MigrationStatus.Unknown;
                    result.Error = $"{message} {result.Domain} was found on neither host ({result.DomainLocation}); check both hosts.";
                    break;
            }
        }
    }
}
