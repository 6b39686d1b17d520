using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Text;

namespace XenPS.Core.Readiness
{
    /// <summary>A save and restore checked before anything changes: the plan, the proof that its folder is shared, and the readiness checks that apply.</summary>
    /// <param name="Plan">The guest, the hosts and the state file (<see cref="SaveRestoreMove.PrepareAsync"/>).</param>
    /// <param name="SharedFolder">The proof that the folder is one folder shared by both hosts (a passed SharedStorage check of the folder alone).</param>
    /// <param name="Checks">The readiness checks that apply (<see cref="SaveRestoreReadiness.Applicable"/>); empty when they were skipped.</param>
    public sealed record SaveRestoreCheck(SaveRestorePlan Plan, ReadinessCheck SharedFolder, IReadOnlyList<ReadinessCheck> Checks)
    {
        /// <summary>Why the guest cannot move, each failed check with its remedy; null when none failed.</summary>
        public string? Problem()
        {
            var failed = Checks.Where(c => c.Status == ReadinessStatus.Fail).ToList();
            if (failed.Count == 0) return null;
            var unwaivable = failed.Where(c => CheckWaiver.Unwaivable.ContainsKey(c.Id)).Select(c => c.Id).ToList();
            var advice = unwaivable.Count == 0
                ? $"Fix these, or give -SkipCheck {string.Join(",", failed.Select(c => c.Id))} to let them through as warnings."
                : $"Fix these ({string.Join(", ", unwaivable)} cannot be waived).";
            return $"{VisibleText.Shorten(Plan.Domain.Name)} cannot be saved on {Plan.Source.ComputerName} and restored on {Plan.Destination.ComputerName}: " +
                string.Join(" ", failed.Select(c => $"[{c.Id}] {c.Detail}" + (c.Remedy is null ? "" : $" Remedy: {c.Remedy}"))) +
                " Nothing was changed. " + advice;
        }

        /// <summary>The ids of the checks that failed and were waived with -SkipCheck.</summary>
        public IReadOnlyList<string> WaivedChecks => Checks.Where(c => c.Waived).Select(c => c.Id).ToList();
    }

    /// <summary>
    /// What is checked before a save and restore (Move-XenDomain -SaveTo), in this order, changing nothing but marker files:
    /// <list type="number">
    /// <item>the guest, the hosts and the folder (<see cref="SaveRestoreMove.PrepareAsync"/>): always;</item>
    /// <item>the folder is one folder shared by both hosts, proved as disks are (<see cref="StoragePlan"/>: a marker written in it on
    /// the source must be seen on the destination): always, and it cannot be waived;</item>
    /// <item>unless skipped, the migration's readiness checks, of which those that matter to a save and restore apply: the hosts,
    /// toolstacks and Xen versions, the tools, xend, the domain's state, PCI devices, its name on the destination, the shared storage of
    /// its disks, memory, CPU and bridges. Network, Relocation, SshTrust and Bandwidth do not apply (the dom0s never connect to each
    /// other), and their tests are not run.</item>
    /// </list>
    /// </summary>
    public static class SaveRestoreReadiness
    {
        private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);

        private static readonly string[] Apply =
        {
            ReadinessCheckId.HostsReachable, ReadinessCheckId.ToolstackMatch, ReadinessCheckId.XenVersion, ReadinessCheckId.ToolPaths,
            ReadinessCheckId.XendRunning, ReadinessCheckId.DomainState, ReadinessCheckId.PciPassthrough, ReadinessCheckId.NameFree,
            ReadinessCheckId.SharedStorage, ReadinessCheckId.Memory, ReadinessCheckId.Cpu, ReadinessCheckId.Bridges,
        };

        /// <summary>The ids of the readiness checks that apply to a save and restore, in report order.</summary>
        public static IReadOnlyList<string> Applicable { get; } = ReadinessCheckId.All.Where(id => Apply.Contains(id)).ToList();

        /// <summary>
        /// Checks (see the class summary) that <paramref name="name"/> can be saved on <paramref name="source"/> into
        /// <paramref name="folder"/> and restored on <paramref name="destination"/>; <paramref name="skipChecks"/> skips the readiness
        /// checks only, and a failure of a check named in <paramref name="waived"/> becomes a waived warning.
        /// </summary>
        /// <exception cref="XenSessionException">The guest, the hosts or the folder do not allow the move, or the folder is not proved shared (SaveFolderNotShared); nothing was changed.</exception>
        public static async Task<SaveRestoreCheck> CheckAsync(
            XenSession source, XenSession destination, string name, string folder, bool skipChecks, IReadOnlyCollection<string> waived, bool readOnly,
            Action<string> log, CancellationToken cancellationToken)
        {
            var plan = await SaveRestoreMove.PrepareAsync(SaveRestoreHost.From(source), SaveRestoreHost.From(destination), name, folder, cancellationToken).ConfigureAwait(false);
            var shared = readOnly
                ? CheckResult.Skipped(ReadinessCheckId.SharedStorage, $"{ReadinessChecker.NotRunReadOnly}: proving {plan.Folder} shared writes a marker file in it.")
                : await ProveSharedAsync(plan, log, cancellationToken).ConfigureAwait(false);
            if (skipChecks) return new SaveRestoreCheck(plan, shared, Array.Empty<ReadinessCheck>());
            var request = ReadinessRequest.ForOne(source, destination, name, waived, readOnly);
            request.WithoutDom0Link = true;
            var reports = await ReadinessChecker.CheckAsync(request, log, cancellationToken).ConfigureAwait(false);
            return new SaveRestoreCheck(plan, shared, reports[0].Checks.Where(c => Applicable.Contains(c.Id)).ToList());
        }

        /// <summary>
        /// Proves <paramref name="plan"/>'s folder shared: a marker written in it on the source (round trip 1) must be seen, and is
        /// deleted, on the destination (round trip 2); a marker the destination did not delete is removed on the source again.
        /// </summary>
        /// <exception cref="XenSessionException">SaveFolderNotShared with the verdict and its remedy, or a host's session error.</exception>
        internal static async Task<ReadinessCheck> ProveSharedAsync(SaveRestorePlan plan, Action<string> log, CancellationToken cancellationToken)
        {
            var src = plan.Source.ComputerName;
            var dst = plan.Destination.ComputerName;
            var storage = StoragePlan.Create(Array.Empty<XenDomain>(), RandomToken.New(), plan.Folder);
            var write = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true };
            try
            {
                log($"{src}: a marker file in {plan.Folder}");
                storage.MarkPending();
                storage.ReadSource(await plan.Source.Shell.RunAsync(storage.SourceCommand(), write, cancellationToken).ConfigureAwait(false));
                log($"{dst}: the marker file in {plan.Folder}");
                storage.ReadDestination(await plan.Destination.Shell.RunAsync(storage.DestinationCommand(), write, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                await RemoveMarkersAsync(plan, storage, log).ConfigureAwait(false);
            }
            var folder = storage.SharedFolder!;
            var (status, detail, remedy) = StorageCheck.FolderVerdict(folder, folder.Marker >= 0 ? storage.Markers[folder.Marker] : null, src, dst);
            if (status != StorageCheck.Severity.Pass)
            {
                throw new XenSessionException(XenSessionErrorId.SaveFolderNotShared,
                    $"-SaveTo {plan.Folder} is not proved to be one folder that {src} and {dst} share: {detail}" + (remedy is null ? "" : $" {remedy}") +
                    $" A state file written there on {src} must be the one that {dst} reads. Nothing was changed.");
            }
            log($"{src}, {dst}: {detail}");
            return CheckResult.Pass(ReadinessCheckId.SharedStorage, detail);
        }

        /// <summary>Removes the markers the destination did not delete, even after a cancellation, with a time limit of its own.</summary>
        private static async Task RemoveMarkersAsync(SaveRestorePlan plan, StoragePlan storage, Action<string> log)
        {
            var leftovers = storage.Leftovers;
            if (leftovers.Count == 0) return;
            using var timeout = new CancellationTokenSource(CleanupTimeout);
            try
            {
                var result = await plan.Source.Shell.RunAsync(StoragePlan.CleanupCommand(leftovers), new RemoteRunOptions { ReadOnly = false, NeedsRoot = true }, timeout.Token).ConfigureAwait(false);
                if (result.ExitCode != 0) throw new InvalidOperationException(ProbeOutput.OneLine(result.Stderr));
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                log($"{plan.Source.ComputerName}: could not remove the marker file(s) {string.Join(" ", leftovers)} ({e.Message}); remove them by hand.");
            }
        }
    }
}
