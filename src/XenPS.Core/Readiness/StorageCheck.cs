using XenPS.Core.Model;

namespace XenPS.Core.Readiness
{
    /// <summary>The shared storage rule: every disk is at the same path on the destination, and is the same file there.</summary>
    internal static class StorageCheck
    {
        /// <summary>Ordered so that the worst verdict is the largest.</summary>
        internal enum Severity
        {
            Pass,
            Warning,
            Fail,
        }

        /// <summary>
        /// One verdict per disk of <paramref name="domain"/>, the worst one winning. <paramref name="notProbed"/> says why the
        /// probe of either host did not run or did not answer. A <paramref name="readOnly"/> request (-WhatIf) writes no marker, so the
        /// check is not run: Skipped, saying so, rather than failed, as nothing is wrong with the disks.
        /// </summary>
        public static ReadinessCheck SharedStorage(string name, HostFacts source, XenDomain? domain, HostFacts destination, StoragePlan plan, string? notProbed, bool readOnly = false)
        {
            var id = ReadinessCheckId.SharedStorage;
            if (DomainChecks.DomainProblem(name, source, domain) is string problem) return CheckResult.NotChecked(id, problem);
            var disks = plan.Disks.Where(d => d.Domain == domain!.Name).ToList();
            if (disks.Count == 0) return CheckResult.Skipped(id, $"{domain!.GuestName} has no disks.");
            if (disks.All(d => d.Disk.Path is null)) return CheckResult.Skipped(id, $"{domain!.GuestName} has only empty cdrom drives.");
            if (readOnly) return CheckResult.Skipped(id, ReadinessChecker.NotRunReadOnly + ": it writes a marker file beside the disk images on the source to prove that the destination sees the same file.");
            if (notProbed != null) return CheckResult.NotChecked(id, notProbed);
            var verdicts = disks.Select(d => Verdict(d, d.Marker >= 0 ? plan.Markers[d.Marker] : null, source.Name, destination.Name)).ToList();
            var worst = verdicts.Max(v => v.Status);
            var detail = string.Join(" ", verdicts.Select(v => v.Detail));
            var remedy = verdicts.FirstOrDefault(v => v.Status == worst && v.Remedy != null).Remedy;
            return worst switch
            {
                Severity.Fail => CheckResult.Fail(id, detail, remedy),
                Severity.Warning => CheckResult.Warning(id, detail, remedy),
                _ => CheckResult.Pass(id, detail),
            };
        }

        /// <summary>
        /// The verdict on the folder to prove shared (<see cref="StoragePlan.SharedFolder"/>, Move-XenDomain -SaveTo's): it is
        /// a folder on both hosts, and the marker written in it on the source is seen on the destination. Anything less fails:
        /// a file written there on the source must be the one the destination reads.
        /// </summary>
        internal static (Severity Status, string Detail, string? Remedy) FolderVerdict(DiskProbe probe, MarkerProbe? marker, string source, string destination)
        {
            var path = probe.Path ?? probe.Disk.Path ?? "";
            var label = $"folder {path}";
            if (probe.Problem != null) return (Severity.Fail, $"{label}: not checked, {probe.Problem}.", null);
            var shareIt = $"Give a folder on storage that both hosts mount at the same path (NFS, a cluster file system...), or mount {path} so on both.";
            switch (probe.SourceKind)
            {
                case PathKind.Unknown:
                    return (Severity.Fail, $"{label}: not checked, {source} did not report on {path}.", null);
                case PathKind.Missing:
                    return (Severity.Fail, $"{label}: {path} does not exist on {source}.", shareIt);
                case PathKind.Folder:
                    break;
                default:
                    return (Severity.Fail, $"{label}: {path} is not a folder on {source}.", shareIt);
            }
            switch (probe.DestinationKind)
            {
                case PathKind.Unknown:
                    return (Severity.Fail, $"{label}: not checked, {destination} did not report on {path}.", null);
                case PathKind.Missing:
                    return (Severity.Fail, $"{label}: {path} does not exist on {destination}.", shareIt);
                case PathKind.Folder:
                    break;
                default:
                    return (Severity.Fail, $"{label}: {path} is not a folder on {destination}.", shareIt);
            }
            if (marker is null || marker.State != MarkerState.Created)
            {
                var why = marker is { State: MarkerState.Failed } ? $"a marker file could not be written in it on {source} ({marker.Error})" : $"no marker file was written in it on {source}";
                return (Severity.Fail, $"{label}: {path} exists on both hosts, but it cannot be proved to be the same shared folder: {why}.",
                    $"Let root on {source} create files in {path} (an NFS export with root_squash refuses it), then try again.");
            }
            if (marker.SeenOnDestination)
            {
                return (Severity.Pass, $"{label}: the same shared folder on both hosts (a marker written in it on {source} is visible on {destination}).", null);
            }
            return (Severity.Fail, $"{label}: {destination} has a folder of its own at {path}, not the shared one (a marker written in it on {source} is not visible on {destination}).",
                shareIt);
        }

        /// <summary>The verdict on one disk.</summary>
        internal static (Severity Status, string Detail, string? Remedy) Verdict(DiskProbe probe, MarkerProbe? marker, string source, string destination)
        {
            var disk = probe.Disk;
            var label = $"{(disk.Target.Length > 0 ? disk.Target : "disk")} ({(disk.Backend.Length > 0 ? disk.Backend + ":" : "")}{disk.Path})";
            if (disk.Path is null) return (Severity.Pass, $"{(disk.Target.Length > 0 ? disk.Target : "cdrom")}: empty cdrom drive, nothing to share.", null);
            if (probe.Problem != null) return (Severity.Fail, $"{label}: not checked, {probe.Problem}.", null);
            var path = probe.Path!;
            var shareIt = $"Make {marker?.Folder ?? path} shared storage, mounted at the same path on both hosts (NFS, iSCSI, DRBD...).";
            switch (probe.SourceKind)
            {
                case PathKind.Unknown:
                    return (Severity.Fail, $"{label}: not checked, {source} did not report on {path}.", null);
                case PathKind.Missing:
                    return (Severity.Fail, $"{label}: {path} does not exist on {source}, although the domain uses it.", $"Check the domain's disk configuration on {source}.");
                case PathKind.Folder:
                case PathKind.Other:
                    return (Severity.Fail, $"{label}: {path} is neither a file nor a block device on {source}.", $"Check the domain's disk configuration on {source}.");
            }
            switch (probe.DestinationKind)
            {
                case PathKind.Unknown:
                    return (Severity.Fail, $"{label}: not checked, {destination} did not report on {path}.", null);
                case PathKind.Missing:
                    return (Severity.Fail, $"{label}: {path} does not exist on {destination}.", shareIt);
            }
            if (probe.SourceKind == PathKind.Block)
            {
                if (probe.DestinationKind != PathKind.Block)
                {
                    return (Severity.Fail, $"{label}: {path} is a block device on {source} but not on {destination}.", shareIt);
                }
                return (Severity.Warning,
                    $"{label}: a block device exists at {path} on both hosts; XenPS cannot prove that it is the same shared device.",
                    $"Make sure {path} on {destination} is the same LUN or volume as on {source} (compare 'blkid {path}' or the device's WWN on both).");
            }
            if (probe.DestinationKind != PathKind.File)
            {
                return (Severity.Fail, $"{label}: {path} is a file on {source} but not on {destination}.", shareIt);
            }
            if (marker is null || marker.State != MarkerState.Created)
            {
                var why = marker is { State: MarkerState.Failed } ? $"a marker file could not be written beside it on {source} ({marker.Error})" : $"no marker file was written beside it on {source}";
                return (Severity.Warning,
                    $"{label}: {path} exists on {destination}, but it cannot be proved to be the same file: {why}.",
                    $"Let root on {source} create a file in {marker?.Folder ?? "the image's folder"} (an NFS export with root_squash refuses it), then check again.");
            }
            if (marker.SeenOnDestination)
            {
                return (Severity.Pass, $"{label}: the same shared file on both hosts (a marker written beside it on {source} is visible on {destination}).", null);
            }
            var copy = $"{label}: {destination} has its own copy at {path}, not the shared file (a marker written beside it on {source} is not visible on {destination}).";
            if (disk.Mode == "r")
            {
                return (Severity.Warning, copy + " The disk is read-only, so the copy serves if it has the same content.",
                    $"Compare the two copies ('sha256sum {path}' on both hosts).");
            }
            return (Severity.Fail, copy + " After the move the domain would run on a different disk.",
                $"Put {path} on storage that both hosts mount at the same path, and remove or rename {destination}'s local copy.");
        }
    }
}
