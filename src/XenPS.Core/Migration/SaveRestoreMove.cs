using System.Diagnostics;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;
using XenPS.Core.Sessions;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>One dom0 of a save and restore: its shell, toolstack and Xen version, as its session detected them.</summary>
    /// <param name="ComputerName">The host as the user named it.</param>
    /// <param name="Shell">The shell that runs commands there.</param>
    /// <param name="Toolstack">The toolstack it runs.</param>
    /// <param name="XenVersion">e.g. <c>4.17.5</c>; empty when unknown.</param>
    public sealed record SaveRestoreHost(string ComputerName, IRemoteShell Shell, Toolstack Toolstack, string XenVersion)
    {
        /// <summary>The host of <paramref name="session"/>.</summary>
        public static SaveRestoreHost From(XenSession session) => new SaveRestoreHost(session.ComputerName, session.Shell, session.Toolstack, session.XenVersion);

        internal IToolstack Tool => Toolstack.Implementation();
    }

    /// <summary>What the checks before a save and restore found: the guest as the source lists it and the state file it goes to.</summary>
    /// <param name="Source">The host the guest runs on, where it is saved.</param>
    /// <param name="Destination">The host it is restored on.</param>
    /// <param name="Domain">The running guest, with its domain id and UUID.</param>
    /// <param name="Folder">The folder both hosts share, without a trailing '/'.</param>
    /// <param name="StateFile">The state file's path in <paramref name="Folder"/>, which nothing is at yet.</param>
    public sealed record SaveRestorePlan(SaveRestoreHost Source, SaveRestoreHost Destination, XenDomain Domain, string Folder, string StateFile)
    {
        /// <summary>The toolstack's save on the source, as words (see <see cref="IToolstack.SaveToFile"/>).</summary>
        public string[] SaveCommand => Source.Tool.SaveToFile(Domain, StateFile, Source.ComputerName);

        /// <summary>The toolstack's restore of the state file on <paramref name="host"/>, as words.</summary>
        public string[] RestoreCommand(SaveRestoreHost host) => host.Tool.RestoreFromFile(StateFile);

        /// <summary>Where the save and restore jobs keep their folders (and locks) on the hosts.</summary>
        internal string JobsFolder { get; init; } = RemoteMigrationJob.DefaultFolder;
    }

    /// <summary>
    /// Moves a running guest without any connection between the two dom0s: the source's toolstack saves it to a state file in a
    /// folder that both hosts share at the same path (<c>xl save</c>, <c>xm save</c>, which stop and destroy it once its memory is
    /// written), and the destination's toolstack restores it from that file (<c>xl restore</c>, <c>xm restore</c>). Between the two
    /// the guest runs nowhere, so this class never leaves it there by itself:
    /// <list type="bullet">
    /// <item>the save and each restore run detached on their host (<see cref="RemoteMigrationJob"/>), so a lost connection stops
    /// neither; once the save has started, every step runs to its end whatever the cancellation token says;</item>
    /// <item>a restore that fails on the destination without leaving a copy there is followed by a restore on the source from the same
    /// file (result Failed, the guest where it was); if that fails too the result is Unknown, and its error names the file and the
    /// exact command that restores it;</item>
    /// <item>the state file is removed only once the guest is verified running on one host and on no other; in every other case it is
    /// kept, and the error says what it holds;</item>
    /// <item>a guest that may have run on the destination (its restore reported success, or a copy is listed there) is never restored a
    /// second time: its disks may have changed since the save.</item>
    /// </list>
    /// </summary>
    public static class SaveRestoreMove
    {
        private const string Script = "save-restore.sh";

        /// <summary>xenps_state_save: something is at the state file's path, or it cannot be created; the save did not run.</summary>
        private const int ExistsExitCode = 22;
        private const int CannotCreateExitCode = 23;

        private const int MaxPollFailures = 20;
        private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(15);
        private static readonly RemoteRunOptions Read = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };
        private static readonly RemoteRunOptions Write = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true };

        /// <summary>
        /// Checks, changing nothing, that <paramref name="name"/> can be saved on <paramref name="source"/> into <paramref name="folder"/>
        /// and restored on <paramref name="destination"/>: the folder's path, the same toolstack on both hosts, the guest runs on the
        /// source and is not the control domain, the destination has no domain of its name (or UUID), the folder is a folder on both
        /// hosts and nothing is at the state file's path. One round trip to each host, at once. That the folder is the same shared
        /// folder on both is proved apart (Readiness.SaveRestoreReadiness).
        /// </summary>
        /// <exception cref="XenSessionException">The move cannot be made; the message says why and that nothing was changed.</exception>
        public static async Task<SaveRestorePlan> PrepareAsync(SaveRestoreHost source, SaveRestoreHost destination, string name, string folder, CancellationToken cancellationToken)
        {
            if (SaveFolderPath.ProblemWith(folder) is string problem)
            {
                throw new XenSessionException(XenSessionErrorId.SaveFolderInvalid,
                    $"The folder '{VisibleText.Shorten(folder)}' of -SaveTo {problem}. Give the absolute path of a folder that {source.ComputerName} and {destination.ComputerName} share at that path, e.g. /srv/xen/save. Nothing was changed.");
            }
            if (source.Toolstack != destination.Toolstack)
            {
                throw new XenSessionException(XenSessionErrorId.ToolstackMismatch,
                    $"{source.ComputerName} uses {source.Tool.Description} and {destination.ComputerName} {destination.Tool.Description}: what '{source.Tool.Command} save' writes is not a file that '{destination.Tool.Command} restore' reads. Save and restore between hosts of one toolstack. Nothing was changed.");
            }
            var normal = SaveFolderPath.Normalize(folder);
            var file = SaveFolderPath.StateFile(normal, name, DateTime.Now, RandomToken.New());
            var reads = new[] { ReadHostAsync(source, normal, file, cancellationToken), ReadHostAsync(destination, normal, file, cancellationToken) };
            await Task.WhenAll(reads).ConfigureAwait(false);
            var (atSource, atDestination) = (reads[0].Result, reads[1].Result);
            var domain = RunningGuest(source, atSource, name);
            if (atDestination.Domains is null) throw new XenSessionException(XenSessionErrorId.ProbeFailed, $"{atDestination.Error} Nothing was changed.");
            var clash = atDestination.Domains.FirstOrDefault(d => d.GuestName == name)
                ?? (DomainUuid.IsUuid(domain.Uuid) ? atDestination.Domains.FirstOrDefault(d => d.Id != null && string.Equals(d.Uuid, domain.Uuid, StringComparison.OrdinalIgnoreCase)) : null);
            if (clash != null)
            {
                var tool = destination.Tool;
                var why = clash.Name == name ? tool.RestoreRefusesClash(name, clash)
                    : clash.GuestName == name ? $"{VisibleText.Shorten(clash.Name)} is a copy of {VisibleText.Shorten(name)} from a migration, finished or not"
                    : $"{VisibleText.Shorten(clash.Name)} has the UUID of {VisibleText.Shorten(name)} ({domain.Uuid}), so it may be a copy of the guest under another name";
                throw new XenSessionException(XenSessionErrorId.DomainExists,
                    $"{destination.ComputerName} already has a domain {VisibleText.Shorten(clash.Name)} ({(clash.Id is int id ? "id " + id.ToString(CultureInfo.InvariantCulture) + ", " : "")}{clash.StateFlags}): " +
                    $"{why}, and two copies of one guest on shared storage corrupt its disks. Find out which copy is current; remove the other from {destination.ComputerName} ('{tool.Destroy(clash.Name)}') or rename it. Nothing was changed.");
            }
            foreach (var (host, facts) in new[] { (source, atSource), (destination, atDestination) })
            {
                if (!facts.IsFolder)
                {
                    throw new XenSessionException(XenSessionErrorId.SaveFolderInvalid,
                        $"{normal} is not a folder on {host.ComputerName}. Give -SaveTo a folder that {source.ComputerName} and {destination.ComputerName} share at that path. Nothing was changed.");
                }
                if (facts.FileExists)
                {
                    throw new XenSessionException(XenSessionErrorId.StateFileExists,
                        $"{host.ComputerName} has something at {file} already; XenPS never writes a state file over anything. Try again (the next name differs). Nothing was changed.");
                }
            }
            return new SaveRestorePlan(source, destination, domain, normal, file);
        }

        /// <summary>The guest <paramref name="name"/> as <paramref name="source"/> lists it, if it may be saved.</summary>
        private static XenDomain RunningGuest(SaveRestoreHost source, HostRead facts, string name)
        {
            var host = source.ComputerName;
            var tool = source.Tool.Command;
            if (facts.Domains is null) throw new XenSessionException(XenSessionErrorId.ProbeFailed, $"{facts.Error} Nothing was changed.");
            var domain = facts.Domains.FirstOrDefault(d => d.Name == name);
            if (domain is null)
            {
                if (XenDomain.Find(facts.Domains, name) is XenDomain moving)
                {
                    throw new XenSessionException(XenSessionErrorId.MigrationInProgress,
                        $"{host} lists {VisibleText.Shorten(name)} as {VisibleText.Shorten(moving.Name)}: it is being migrated or saved already. Wait until that has ended. Nothing was changed.");
                }
                throw new XenSessionException(XenSessionErrorId.DomainNotFound,
                    $"No domain named '{VisibleText.Shorten(name)}' on {host}. Run 'Get-XenDomain -ComputerName {host}' to list its domains. Nothing was changed.");
            }
            var shown = VisibleText.Shorten(domain.Name);
            if (domain.IsDom0)
            {
                throw new XenSessionException(XenSessionErrorId.DomainNotRunning, $"{shown} is {host}'s own control domain; it cannot be saved and restored elsewhere. Nothing was changed.");
            }
            if (domain.Id is null)
            {
                throw new XenSessionException(XenSessionErrorId.DomainNotRunning,
                    $"{host} lists {shown} without a domain id: it does not run, and only a running guest can be saved. To move a halted guest, give -ConfigFile instead of -SaveTo. Nothing was changed.");
            }
            if (Runs(domain.State)) return domain;
            var state = $"{shown} (id {domain.Id}) is {domain.State.ToString().ToLowerInvariant()} ({domain.StateFlags}) on {host}";
            throw new XenSessionException(XenSessionErrorId.DomainNotRunning, domain.State == XenDomainState.Paused
                ? $"{state}: a restore lets the guest run, so it would not come back paused. Unpause it first ('{tool} unpause {ShellQuote.AsTyped(domain.Name)}'). Nothing was changed."
                : $"{state}: only a running guest can be saved and restored. Nothing was changed.");
        }

        /// <summary>Running, blocked or runnable: what a restored guest is once it runs.</summary>
        private static bool Runs(XenDomainState state) => state == XenDomainState.Running || state == XenDomainState.Blocked || state == XenDomainState.NoState;

        /// <summary>What one host said before the save: its domains, whether the folder is one and whether the state file's path is free.</summary>
        private sealed record HostRead(IReadOnlyList<XenDomain>? Domains, string? Error, bool IsFolder, bool FileExists);

        private static async Task<HostRead> ReadHostAsync(SaveRestoreHost host, string folder, string file, CancellationToken cancellationToken)
        {
            var sections = await new RemoteBatch().Add("env", XenToolstack.PathPrefix)
                .Add("state", RemoteScripts.Call(Script, "xenps_state_probe", folder, file))
                .AddListSections(host.Tool)
                .RunAsync(host.Shell, Read, cancellationToken).ConfigureAwait(false);
            var listed = DomainListing.Read(host.Tool, sections, host.ComputerName);
            var state = sections["state"];
            if (state.ExitCode != 0) throw new XenSessionException(XenSessionErrorId.ProbeFailed, $"{ProbeOutput.Failure(host.ComputerName, "the state file's folder", state)} Nothing was changed.");
            var values = KeyValueLines.Parse(state.Stdout);
            return new HostRead(listed.Domains, listed.Error, values.Get("folder") == "yes", values.Get("file") != "absent");
        }

        /// <summary>
        /// Saves the guest on the source, restores it on the destination, verifies it there and removes the state file (see the
        /// class summary for what happens when a step fails). <paramref name="owner"/> is written into the jobs' lock folders;
        /// <paramref name="log"/> gets a line per step and every line the toolstack prints; <paramref name="progress"/> the step
        /// under way. <paramref name="cancellationToken"/> counts only until the save starts.
        /// </summary>
        /// <exception cref="XenSessionException">Only before the save started (nothing was changed): the save could not be started, or the guest has no domain id.</exception>
        /// <exception cref="OperationCanceledException">Cancelled before the save started.</exception>
        public static async Task<MigrationResult> MoveAsync(SaveRestorePlan plan, string owner, Action<string> log, Action<MigrationProgress> progress, CancellationToken cancellationToken)
        {
            var run = new Run(plan, owner, log, progress);
            return await run.MoveAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>How a save or restore job ended.</summary>
        /// <param name="ExitCode">The toolstack's exit code; null when it is not known.</param>
        /// <param name="Output">What it printed (stdout and stderr).</param>
        /// <param name="Finished">
        /// Nothing of the job runs any more: it ended with <paramref name="ExitCode"/>, it never started, or no process of its session
        /// is left. False when it could not be followed to its end: it may still be at work.
        /// </param>
        /// <param name="Why">When the exit code is not known: why (the job could not be started, followed, or its shell was killed).</param>
        private sealed record JobEnd(int? ExitCode, string Output, bool Finished, string? Why = null);

        /// <summary>Failures that come before a command reaches the host (connecting, authenticating, a closed session, sudo refusing): it did not run.</summary>
        private static readonly XenErrorId[] NeverSent =
        {
            XenSessionErrorId.HostNotFound, XenSessionErrorId.ConnectionFailed, XenSessionErrorId.ConnectTimeout, XenSessionErrorId.AuthenticationFailed,
            XenSessionErrorId.HostKeyUnknown, XenSessionErrorId.HostKeyChanged, XenSessionErrorId.HostKeyRevoked, XenSessionErrorId.KnownHostsUpdateFailed,
            XenSessionErrorId.NoCredentials, XenSessionErrorId.KeyFileNotFound, XenSessionErrorId.KeyPassphraseRequired, XenSessionErrorId.KeyFileInvalid,
            XenSessionErrorId.SessionClosed, XenSessionErrorId.SudoPasswordRequired, XenSessionErrorId.MigrationInProgress, XenSessionErrorId.MigrationStartFailed,
        };

        /// <summary>One move, its steps in order.</summary>
        private sealed class Run
        {
            private readonly SaveRestorePlan plan;
            private readonly string owner;
            private readonly Action<string> log;
            private readonly Action<MigrationProgress> progress;
            private readonly MigrationResult result;
            private readonly Stopwatch clock = new Stopwatch();

            public Run(SaveRestorePlan plan, string owner, Action<string> log, Action<MigrationProgress> progress)
            {
                this.plan = plan;
                this.owner = owner;
                this.log = log;
                this.progress = progress;
                result = new MigrationResult
                {
                    Domain = plan.Domain.Name,
                    Source = plan.Source.ComputerName,
                    Destination = plan.Destination.ComputerName,
                    Toolstack = plan.Source.Toolstack,
                    Method = MigrationMethod.SaveRestore,
                    Live = false,
                    MemoryMB = plan.Domain.MemoryMB,
                    StateFile = plan.StateFile,
                    SourceState = GuestState.Unknown,
                    DestinationState = GuestState.Unknown,
                    DomainLocation = DomainLocation.Unknown,
                };
            }

            private string Name => plan.Domain.Name;

            private string Shown => VisibleText.Shorten(plan.Domain.Name);

            private SaveRestoreHost Source => plan.Source;

            private SaveRestoreHost Destination => plan.Destination;

            private string File => plan.StateFile;

            public async Task<MigrationResult> MoveAsync(CancellationToken cancellationToken)
            {
                var save = plan.SaveCommand;
                cancellationToken.ThrowIfCancellationRequested();
                result.StartTime = DateTime.Now;
                clock.Start();
                log($"{Source.ComputerName}: {Typed(save)}");
                Report(0, $"{Typed(save)} on {Source.ComputerName}");
                var saved = await RunJobAsync(Source, GuardedSave(save), "save", startFailureThrows: true, 0).ConfigureAwait(false);
                try
                {
                    await AfterSaveAsync(save, saved).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    // Nothing may escape once the guest may have stopped: say what is known, and keep the file.
                    result.Status = MigrationStatus.Unknown;
                    result.Error = $"{Shown} could not be followed to the end: {e.Message} It may run on {Source.ComputerName}, on {Destination.ComputerName}, or nowhere; " +
                        $"look with 'Get-XenDomain -ComputerName {Source.ComputerName}, {Destination.ComputerName} -Name {Name}'. {KeptFile()}";
                }
                result.Duration = clock.Elapsed;
                Report(100, result.Status.ToString());
                return result;
            }

            /// <summary>The save's job command: the file created (mode 600, never over anything), then the toolstack's save into it.</summary>
            private string[] GuardedSave(string[] save) =>
                new[] { "sh", "-c", RemoteScripts.Call(Script, "xenps_state_save", new[] { File }.Concat(save).ToArray()) };

            private async Task AfterSaveAsync(string[] save, JobEnd saved)
            {
                var command = Short(save);
                var after = await LocateAsync().ConfigureAwait(false);
                var onSource = after.Source.Guest(Name);
                if (saved.ExitCode == 0 && after.Source.Entries is { Count: 0 })
                {
                    log($"{Source.ComputerName}: {Shown} was saved to {File}{(after.FileSize is long size ? $" ({size.ToString(CultureInfo.InvariantCulture)} bytes)" : "")} and no longer runs there.");
                    await RestoreAsync(save).ConfigureAwait(false);
                    return;
                }
                Judge(after);
                var cause = Cause(command, saved);
                if (saved.ExitCode is int code && code != 0 && onSource != null && Runs(onSource.State))
                {
                    result.Status = MigrationStatus.Failed;
                    var nothing = code == ExistsExitCode || code == CannotCreateExitCode;
                    var removal = nothing ? "" : " " + await RemoveAsync(Source, "the partial state file").ConfigureAwait(false);
                    result.Error = $"{cause} {(nothing ? "Nothing was saved" : Source.Tool.SaveFailureText.Substring(0, 1).ToUpperInvariant() + Source.Tool.SaveFailureText.Substring(1))}: " +
                        $"{Shown} runs on {Source.ComputerName} ({onSource.StateFlags}), as before.{removal}";
                    return;
                }
                result.Status = MigrationStatus.Unknown;
                var restore = Typed(plan.RestoreCommand(Source));
                string advice;
                if (after.Source.Entries is null)
                {
                    advice = $"Once {Source.ComputerName} answers, look for {Shown} there ('{Source.Tool.Command} list'): if it is not listed and {File} is complete, '{restore}' on {Source.ComputerName} runs it again.";
                }
                else if (onSource != null && onSource.Id is null && saved.ExitCode == 0 && Source.Tool.DeleteManaged(Name) is string delete)
                {
                    // xend keeps the definition of a domain it manages (xm new) after saving it: restored elsewhere, the guest could be
                    // started a second time on the source.
                    advice = $"{Source.ComputerName} still lists {Shown} without a domain id: {Source.Tool.Command} keeps its definition there ('{delete}' removes it), " +
                        $"so restoring it on {Destination.ComputerName} would leave {Source.ComputerName} able to start a second copy. XenPS stopped here; restore it where it was with '{restore}' on {Source.ComputerName}.";
                }
                else if (onSource != null)
                {
                    advice = saved.ExitCode == 0
                        ? $"{Source.Tool.Command} reported the save as done, yet {Source.ComputerName} still lists {Shown}: do not restore {File} while {Shown} is listed on any host (two copies would share its disks). Once you know that it runs, remove the file."
                        : $"Check {Shown} on {Source.ComputerName} ('{Source.Tool.Command} list'); do not restore {File} while it is listed there.";
                }
                else if (after.Source.Entries.Count > 0)
                {
                    advice = $"{Source.ComputerName} still lists it as {after.Source.Entries[0].Name}: the save may be finishing. Look again with 'Get-XenDomain -ComputerName {Source.ComputerName} -Name {Name}' before you change anything.";
                }
                else
                {
                    advice = $"{Shown} runs nowhere. If the save completed, '{restore}' on {Source.ComputerName} runs it again from {File} (check '{Source.Tool.Command} list' on both hosts first).";
                }
                result.Error = $"{cause} Now {Where(after)}. {advice} {KeptFile()}";
            }

            /// <summary>The restore on the destination; when it fails without leaving a copy there, the restore on the source.</summary>
            private async Task RestoreAsync(string[] save)
            {
                var restore = plan.RestoreCommand(Destination);
                log($"{Destination.ComputerName}: {Typed(restore)}");
                Report(50, $"{Typed(restore)} on {Destination.ComputerName}");
                var restored = await RunJobAsync(Destination, restore, "restore", startFailureThrows: false, 50).ConfigureAwait(false);
                var after = await LocateAsync().ConfigureAwait(false);
                var onDestination = after.Destination.Guest(Name);
                var sourceEmpty = after.Source.Entries is { Count: 0 };
                if (restored.ExitCode == 0 && onDestination != null && Runs(onDestination.State) && sourceEmpty)
                {
                    Judge(after);
                    result.Status = MigrationStatus.Succeeded;
                    result.VerifiedOnDestination = true;
                    log($"{Destination.ComputerName}: {Shown} runs there ({onDestination.StateFlags}, id {onDestination.Id}).");
                    var removal = await RemoveAsync(Destination, "its state file").ConfigureAwait(false);
                    if (!result.StateFileRemoved) result.Error = $"{Shown} runs on {Destination.ComputerName}, but {removal} It must not be restored again.";
                    return;
                }
                var cause = Cause(Short(restore), restored);
                // Only a restore that ended without success and left nothing on the destination lets the source restore the same file:
                // the guest never ran there (a restore unpauses it last), so its disks are as the save left them.
                var refusedCleanly = restored.Finished && restored.ExitCode != 0 && after.Destination.Entries is { Count: 0 } && sourceEmpty;
                if (!refusedCleanly)
                {
                    Judge(after);
                    result.Status = MigrationStatus.Unknown;
                    result.Error = $"{cause} Now {Where(after)}. {Ambiguous(after, restored)} {KeptFile()}";
                    return;
                }
                log($"{Destination.ComputerName}: the restore failed and left no copy of {Shown} there; restoring it on {Source.ComputerName} from the same file.");
                await RestoreOnSourceAsync(restore, cause).ConfigureAwait(false);
            }

            /// <summary>Back where it was: the restore on the source, after the destination's failed and left no copy.</summary>
            private async Task RestoreOnSourceAsync(string[] failedRestore, string failure)
            {
                var back = plan.RestoreCommand(Source);
                log($"{Source.ComputerName}: {Typed(back)}");
                Report(75, $"{Typed(back)} on {Source.ComputerName}");
                var restored = await RunJobAsync(Source, back, "restore", startFailureThrows: false, 75).ConfigureAwait(false);
                var after = await LocateAsync().ConfigureAwait(false);
                Judge(after);
                var onSource = after.Source.Guest(Name);
                var first = $"The restore on {Destination.ComputerName} ('{Typed(failedRestore)}') failed: {failure}";
                if (restored.ExitCode == 0 && onSource != null && Runs(onSource.State) && after.Destination.Entries is { Count: 0 })
                {
                    result.Status = MigrationStatus.Failed;
                    log($"{Source.ComputerName}: {Shown} runs there again ({onSource.StateFlags}, id {onSource.Id}).");
                    var removal = await RemoveAsync(Source, "its state file").ConfigureAwait(false);
                    result.Error = $"{first} {Shown} was restored on {Source.ComputerName} from its state file and runs there again ({onSource.StateFlags}), as before the move; " +
                        $"it was stopped for about {clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s. {removal}";
                    return;
                }
                result.Status = MigrationStatus.Unknown;
                var second = Cause(Short(back), restored);
                var nowhere = after.Source.Entries is { Count: 0 } && after.Destination.Entries is { Count: 0 };
                result.Error = nowhere
                    ? $"{first} Restoring it on {Source.ComputerName} failed too: {second} Now {Where(after)}. {Shown} runs nowhere; its state is in the state file, which XenPS kept. " +
                      $"Once the cause is fixed, run '{Typed(back)}' on {Source.ComputerName} (or the same on {Destination.ComputerName}) to run it again, then remove the file."
                    : $"{first} Restoring it on {Source.ComputerName} failed too: {second} Now {Where(after)}. {Ambiguous(after, restored)} {KeptFile()}";
            }

            /// <summary>What to do when a restore's outcome is not clear: never a second restore while a copy may have run.</summary>
            private string Ambiguous(Located after, JobEnd restored)
            {
                var restoreHere = Typed(plan.RestoreCommand(Destination));
                if (after.Destination.Entries is null || after.Source.Entries is null)
                {
                    var unread = after.Destination.Entries is null ? Destination.ComputerName : Source.ComputerName;
                    return $"Once {unread} answers, look for {Shown} on both hosts ('{Destination.Tool.Command} list'). Restore {File} only if no host lists {Shown}, and only if it never ran since the save: '{restoreHere}' on {Destination.ComputerName}.";
                }
                var listed = after.Destination.Entries.Concat(after.Source.Entries).FirstOrDefault();
                if (listed != null)
                {
                    var where = after.Destination.Entries.Contains(listed) ? Destination : Source;
                    return $"{where.ComputerName} lists {VisibleText.Shorten(listed.Name)} ({listed.StateFlags}): check it there ('{where.Tool.Command} list'). Do not restore {File} anywhere while a copy of {Shown} is listed: two copies would share its disks.";
                }
                return restored.ExitCode == 0
                    ? $"{Destination.Tool.Command} reported the restore as done, but no host lists {Shown}: it may have run and stopped on {Destination.ComputerName} (look at its logs in /var/log/xen there). XenPS did not restore {File} again: the guest's disks may have changed since it was saved. Start it afresh from its configuration file once you know why it stopped."
                    : $"No host lists {Shown}. If it never ran since the save, '{restoreHere}' on {Destination.ComputerName} runs it again from {File}; otherwise start it afresh from its configuration file.";
            }

            /// <summary>
            /// Runs <paramref name="command"/> as a detached job on <paramref name="host"/> and follows it to its end. A start that failed
            /// throws when <paramref name="startFailureThrows"/> (nothing changed: the save), else ends the job without an exit code.
            /// </summary>
            private async Task<JobEnd> RunJobAsync(SaveRestoreHost host, string[] command, string what, bool startFailureThrows, int percent)
            {
                var job = new RemoteMigrationJob(Name, plan.JobsFolder);
                XenSessionException? failed = null;
                try
                {
                    await job.StartAsync(host.Shell, command, owner, CancellationToken.None).ConfigureAwait(false);
                }
                catch (XenSessionException e)
                {
                    failed = e;
                }
                if (failed != null)
                {
                    // A start whose answer was lost may have started the job: only a failure before the command reached the host,
                    // or a host that shows no job folder, means that it did not.
                    var started = !NeverSent.Contains(failed.ErrorId) && await StartedAsync(job, host).ConfigureAwait(false);
                    if (!started)
                    {
                        if (startFailureThrows) throw failed;
                        return new JobEnd(null, "", Finished: true, $"It could not be started ({failed.Message.TrimEnd('.')}).");
                    }
                    log($"{host.ComputerName}: the start of the {what} lost its answer ({failed.Message}), but its job is there; following it.");
                }
                return await FollowAsync(job, host, what, percent).ConfigureAwait(false);
            }

            /// <summary>Whether a job whose start lost its answer runs after all: its folder exists on the host.</summary>
            private static async Task<bool> StartedAsync(RemoteMigrationJob job, SaveRestoreHost host)
            {
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    try
                    {
                        return !(await job.PollAsync(host.Shell, 0, CancellationToken.None).ConfigureAwait(false)).Gone;
                    }
                    catch (Exception e) when (!(e is OutOfMemoryException))
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                    }
                }
                // Not known: taken for started, so that the guest is never given up for a job that may run.
                return true;
            }

            private async Task<JobEnd> FollowAsync(RemoteMigrationJob job, SaveRestoreHost host, string what, int percent)
            {
                var output = new StringBuilder();
                long offset = 0;
                var failures = 0;
                var wait = PollPacer.Minimum;
                var pollClock = new Stopwatch();
                while (true)
                {
                    await Task.Delay(wait).ConfigureAwait(false);
                    MigrationPoll poll;
                    pollClock.Restart();
                    try
                    {
                        poll = await job.PollAsync(host.Shell, offset, CancellationToken.None).ConfigureAwait(false);
                        wait = PollPacer.Next(pollClock.Elapsed);
                        failures = 0;
                    }
                    catch (Exception e) when (!(e is OutOfMemoryException))
                    {
                        log($"{host.ComputerName}: the {what} could not be followed ({e.Message}); trying again.");
                        if (++failures >= MaxPollFailures)
                        {
                            return new JobEnd(null, output.ToString(), Finished: false, $"How the {what} ended is not known: it could not be followed on {host.ComputerName} ({e.Message}), and it may still run there.");
                        }
                        wait = PollPacer.Maximum;
                        continue;
                    }
                    if (poll.Gone) return new JobEnd(null, output.ToString(), Finished: false, $"How the {what} ended is not known: its job folder {job.JobFolder} on {host.ComputerName} was removed.");
                    output.Append(poll.NewOutput);
                    offset += Encoding.UTF8.GetByteCount(poll.NewOutput);
                    foreach (var line in poll.NewOutput.Replace("\r\n", "\n").Split('\n').Where(l => l.Trim().Length > 0)) log($"{host.ComputerName}: {line.Trim()}");
                    if (poll.ExitCode is int code)
                    {
                        await ReleaseAsync(job, host).ConfigureAwait(false);
                        return new JobEnd(code, output.ToString(), Finished: true);
                    }
                    if (poll.Ended)
                    {
                        await ReleaseAsync(job, host).ConfigureAwait(false);
                        return new JobEnd(null, output.ToString(), Finished: true, $"How the {what} ended is not known: the shell that ran it on {host.ComputerName} was killed, and it recorded no exit status.");
                    }
                    Report(percent + (int)Math.Min(24, clock.Elapsed.TotalSeconds), $"{what} on {host.ComputerName}: {clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s");
                }
            }

            private async Task ReleaseAsync(RemoteMigrationJob job, SaveRestoreHost host)
            {
                try
                {
                    await job.ReleaseAsync(host.Shell, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    log($"{host.ComputerName}: the job folder {job.JobFolder} could not be removed ({e.Message}); the next job of {Shown} there takes it over.");
                }
            }

            /// <summary>Both hosts' view of the guest and the state file's size, read again while the source lists it under a migration name or a host does not answer, for at most the settle time.</summary>
            private async Task<Located> LocateAsync()
            {
                var settle = Stopwatch.StartNew();
                while (true)
                {
                    var reads = new[] { ReadViewAsync(Source, withFile: true), ReadViewAsync(Destination, withFile: false) };
                    await Task.WhenAll(reads).ConfigureAwait(false);
                    var located = new Located(reads[0].Result.View, reads[1].Result.View, reads[0].Result.FileSize);
                    var unsettled = located.Source.Entries is null || located.Destination.Entries is null
                        || located.Source.Renamed(Name) != null || located.Destination.Renamed(Name) != null;
                    if (!unsettled || settle.Elapsed > SettleTime) return located;
                    await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                }
            }

            private async Task<(HostView View, long? FileSize)> ReadViewAsync(SaveRestoreHost host, bool withFile)
            {
                var view = new HostView(host.ComputerName, host.Toolstack, host.XenVersion);
                var batch = new RemoteBatch().Add("env", XenToolstack.PathPrefix).Add("receivers", IncomingCopies.ReceiversCommand).AddListSections(host.Tool);
                if (withFile) batch.Add("size", RemoteScripts.Call(Script, "xenps_state_size", File));
                try
                {
                    var sections = await batch.RunAsync(host.Shell, Read, CancellationToken.None).ConfigureAwait(false);
                    view.Read(sections, Name, plan.Domain.Uuid);
                    var size = withFile && long.TryParse(sections["size"].Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : (long?)null;
                    return (view, size);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    view.Error = e.Message;
                    return (view, null);
                }
            }

            /// <summary>Removes the state file on <paramref name="host"/> (the guest verified running on one host); says how that went.</summary>
            private async Task<string> RemoveAsync(SaveRestoreHost host, string what)
            {
                RemoteResult removed;
                try
                {
                    removed = await host.Shell.RunAsync(RemoteScripts.Call(Script, "xenps_state_remove", File), Write, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    removed = new RemoteResult(-1, "", e.Message);
                }
                if (removed.ExitCode == 0)
                {
                    result.StateFileRemoved = true;
                    log($"{host.ComputerName}: removed {File}.");
                    return $"{Capital(what)} {File} was removed.";
                }
                return $"{what} {File} could not be removed ({ProbeOutput.Failure(host.ComputerName, "rm " + File, removed)}): remove it by hand ('rm {ShellQuote.AsTyped(File)}' on {host.ComputerName}).";
            }

            /// <summary>Sets the result's states and location from what both hosts list.</summary>
            private void Judge(Located after)
            {
                var onSource = after.Source.Guest(Name);
                var onDestination = after.Destination.Guest(Name);
                result.SourceState = after.Source.StateOf(Name);
                result.DestinationState = after.Destination.StateOf(Name);
                result.DomainLocation = after.Source.Entries is null || after.Destination.Entries is null ? DomainLocation.Unknown
                    : onSource != null && onDestination != null ? DomainLocation.Both
                    : onDestination != null ? DomainLocation.Destination
                    : onSource != null ? DomainLocation.Source
                    : DomainLocation.Neither;
            }

            /// <summary>"tiny is not on xl-a; it runs on xl-b (-b----)", and whether the state file is there.</summary>
            private string Where(Located after)
            {
                var hosts = string.Join("; ", new[] { after.Source, after.Destination }.Select(view =>
                {
                    if (view.Entries is null) return $"{view.ComputerName} could not be listed ({view.Error})";
                    var guest = view.Guest(Name) ?? view.Entries.FirstOrDefault();
                    return guest is null ? $"{Shown} is not on {view.ComputerName}" : $"{view.ComputerName} lists {VisibleText.Shorten(guest.Name)} ({guest.StateFlags})";
                }));
                var file = after.FileSize is long size ? $"{File} holds {size} bytes" : $"{File} is not there or could not be read on {Source.ComputerName}";
                return $"{hosts}; {file}";
            }

            private string KeptFile() => result.StateFileRemoved ? "" : $"XenPS kept the state file {File}.";

            private void Report(int percent, string status) => progress(new MigrationProgress(Name, Math.Min(99, percent), status));

            /// <summary>The toolstack's explanation of a failure and how its command ended, or why that is not known.</summary>
            private static string Cause(string command, JobEnd end)
            {
                var text = MigrationOutput.FailureText(end.Output);
                var how = end.ExitCode is int code ? MigrationOutput.ExitText(command, code) : end.Why ?? $"How {command} ended is not known.";
                return text.Length == 0 ? how : text.TrimEnd('.') + ". " + how;
            }

            private static string Typed(string[] words) => string.Join(" ", words.Select(ShellQuote.AsTyped));

            /// <summary>The command's first two words, as messages name it: <c>xl save</c>.</summary>
            private static string Short(string[] words) => string.Join(" ", words.Take(2));

            private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text.Substring(1);
        }

        /// <summary>Both hosts' view after a step, and the state file's size (null when it is not there or was not read).</summary>
        private sealed record Located(HostView Source, HostView Destination, long? FileSize);
    }
}
