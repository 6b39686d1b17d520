using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;

namespace XenPS.Core.Readiness
{
    /// <summary>What a path is on a host.</summary>
    internal enum PathKind
    {
        /// <summary>Not probed (yet), or the probe said nothing about it.</summary>
        Unknown,
        File,
        Block,

        /// <summary>A folder.</summary>
        Folder,

        /// <summary>Exists, but is neither a regular file, a block device nor a folder (a character device, a socket...).</summary>
        Other,
        Missing,
    }

    /// <summary>Where a marker file stands.</summary>
    internal enum MarkerState
    {
        /// <summary>The source's second round trip has not been sent.</summary>
        Planned,

        /// <summary>Sent, but its answer never came: the marker may exist.</summary>
        Pending,

        /// <summary>No disk in the folder is a regular file on the source (or the folder to prove is none), so no marker was written.</summary>
        NotNeeded,
        Created,
        Failed,
    }

    /// <summary>One disk of a requested domain, or a folder to prove shared, and what it is on each host.</summary>
    internal sealed class DiskProbe
    {
        /// <summary>The domain whose disk this is; empty for <see cref="IsFolder"/>.</summary>
        public string Domain { get; set; } = "";

        /// <summary>Not a disk: a folder that must be the same shared folder on both hosts (Move-XenDomain -SaveTo's), its marker written in it.</summary>
        public bool IsFolder { get; set; }

        public XenDisk Disk { get; set; } = new XenDisk();

        /// <summary>The absolute path probed on both hosts (xend's <c>phy:</c> names get <c>/dev/</c>); null when there is nothing to probe.</summary>
        public string? Path { get; set; }

        /// <summary>Why the disk's path cannot be probed.</summary>
        public string? Problem { get; set; }

        /// <summary>Index of the marker beside this disk's image in <see cref="StoragePlan.Markers"/>.</summary>
        public int Marker { get; set; } = -1;

        public PathKind SourceKind { get; set; }

        public PathKind DestinationKind { get; set; }
    }

    /// <summary>A marker file written beside disk images on the source and looked for on the destination.</summary>
    internal sealed class MarkerProbe
    {
        /// <summary>The folder of the disk images that the marker is written in.</summary>
        public string Folder { get; set; } = "";

        /// <summary>The marker file's full path.</summary>
        public string Path { get; set; } = "";

        /// <summary>Whether the marker was written, was already there, or could not be written.</summary>
        public MarkerState State { get; set; }

        /// <summary>Why the marker could not be written.</summary>
        public string Error { get; set; } = "";

        /// <summary>The destination found the marker at the same path.</summary>
        public bool SeenOnDestination { get; set; }

        /// <summary>The destination saw the marker and deleted it (the shared file is gone for both).</summary>
        public bool RemovedByDestination { get; set; }
    }

    /// <summary>
    /// The storage probe of one request. On the source (second round trip) each disk path is classified and, in every folder
    /// holding a regular-file image, a marker <c>.xenps-marker-NONCE</c> is created (never over an existing file); on the
    /// destination each path is classified again and each marker looked for and, when seen, deleted. A marker the destination
    /// sees is the proof that the image folder is the same shared storage, not a local copy at the same path. A folder given
    /// to prove shared itself (<see cref="Create(IEnumerable{XenDomain}, string, string)"/>) gets its marker in it whenever it is a folder.
    /// </summary>
    internal sealed class StoragePlan
    {
        private const string Script = "storage-probe.sh";

        private StoragePlan(IReadOnlyList<DiskProbe> disks, IReadOnlyList<MarkerProbe> markers)
        {
            Disks = disks;
            Markers = markers;
        }

        public IReadOnlyList<DiskProbe> Disks { get; }

        public IReadOnlyList<MarkerProbe> Markers { get; }

        /// <summary>Markers that may still exist on the source: written (or maybe written) and not deleted by the destination.</summary>
        public IReadOnlyList<string> Leftovers => Markers
            .Where(m => m.State == MarkerState.Pending || (m.State == MarkerState.Created && !m.RemovedByDestination))
            .Select(m => m.Path)
            .ToList();

        /// <summary>The disks of <paramref name="domains"/> with the markers their folders need; <paramref name="nonce"/> names the markers.</summary>
        public static StoragePlan Create(IEnumerable<XenDomain> domains, string nonce) => Create(domains, nonce, null);

        /// <summary>
        /// As <see cref="Create(IEnumerable{XenDomain}, string)"/>, and, when <paramref name="sharedFolder"/> is given (an absolute
        /// path without a trailing '/'), that folder as one more entry (<see cref="DiskProbe.IsFolder"/>), proved shared by a marker
        /// in it (the one of its disks, when some disk's image is in it).
        /// </summary>
        public static StoragePlan Create(IEnumerable<XenDomain> domains, string nonce, string? sharedFolder)
        {
            var disks = new List<DiskProbe>();
            var markers = new List<MarkerProbe>();
            foreach (var domain in domains)
            {
                foreach (var disk in domain.Disks)
                {
                    var probe = new DiskProbe { Domain = domain.Name, Disk = disk };
                    disks.Add(probe);
                    if (disk.Path is null) continue;
                    var path = disk.Backend == "phy" && !disk.Path.StartsWith("/", StringComparison.Ordinal) ? "/dev/" + disk.Path : disk.Path;
                    if (!path.StartsWith("/", StringComparison.Ordinal) || path.IndexOf('\0') >= 0)
                    {
                        probe.Problem = $"its path '{disk.Path}' is not an absolute path";
                        continue;
                    }
                    probe.Path = path;
                    probe.Marker = MarkerOf(markers, path.Substring(0, Math.Max(1, path.LastIndexOf('/'))), nonce);
                }
            }
            if (sharedFolder != null)
            {
                var probe = new DiskProbe { IsFolder = true, Disk = new XenDisk { Path = sharedFolder } };
                disks.Add(probe);
                if (!sharedFolder.StartsWith("/", StringComparison.Ordinal) || sharedFolder.IndexOf('\0') >= 0) probe.Problem = $"'{sharedFolder}' is not an absolute path";
                else
                {
                    probe.Path = sharedFolder;
                    probe.Marker = MarkerOf(markers, sharedFolder, nonce);
                }
            }
            return new StoragePlan(disks, markers);
        }

        /// <summary>The index of the marker in <paramref name="folder"/>, added to <paramref name="markers"/> when there is none yet.</summary>
        private static int MarkerOf(List<MarkerProbe> markers, string folder, string nonce)
        {
            var index = markers.FindIndex(m => m.Folder == folder);
            if (index >= 0) return index;
            markers.Add(new MarkerProbe { Folder = folder, Path = (folder == "/" ? "" : folder) + "/.xenps-marker-" + nonce });
            return markers.Count - 1;
        }

        /// <summary>The folder to prove shared, or null.</summary>
        public DiskProbe? SharedFolder => Disks.FirstOrDefault(d => d.IsFolder);

        /// <summary>True when the source has something to probe.</summary>
        public bool HasPaths => Disks.Any(d => d.Path != null);

        /// <summary>
        /// Source script: prints <c>disk.I=KIND</c> for each probed path and <c>marker.J=created|not-needed|failed REASON</c>
        /// for each folder; a marker is written only in a folder where some image is a regular file, and in the folder to prove
        /// shared when it is a folder.
        /// </summary>
        public string SourceCommand()
        {
            var arguments = new List<string> { Number(Probed().Count()) };
            foreach (var (disk, i) in Probed()) arguments.AddRange(new[] { Number(i), disk.Path!, (disk.IsFolder ? "+" : "") + Number(disk.Marker) });
            arguments.AddRange(Markers.Select(m => m.Path));
            return RemoteScripts.Call(Script, "xenps_storage_source", arguments.ToArray());
        }

        /// <summary>Marks every marker as possibly written: called just before the source script is sent.</summary>
        public void MarkPending()
        {
            foreach (var marker in Markers) marker.State = MarkerState.Pending;
        }

        /// <summary>Reads what <see cref="SourceCommand"/> printed.</summary>
        public void ReadSource(RemoteResult section)
        {
            var values = KeyValueLines.Parse(section.Stdout);
            foreach (var (disk, i) in Probed()) disk.SourceKind = Kind(values.Get("disk." + i));
            for (var j = 0; j < Markers.Count; j++)
            {
                var value = values.Get("marker." + j);
                var marker = Markers[j];
                if (value == "created") marker.State = MarkerState.Created;
                else if (value == "not-needed") marker.State = MarkerState.NotNeeded;
                else if (value.StartsWith("failed", StringComparison.Ordinal))
                {
                    marker.State = MarkerState.Failed;
                    marker.Error = value.Substring("failed".Length).Trim();
                }
            }
        }

        /// <summary>
        /// Destination script: <c>disk.I=KIND</c> for each probed disk and, for each marker written on the source,
        /// <c>marker.J=seen-removed|seen|unseen</c>.
        /// </summary>
        public string DestinationCommand()
        {
            var arguments = new List<string> { Number(Probed().Count()) };
            foreach (var (disk, i) in Probed()) arguments.AddRange(new[] { Number(i), disk.Path! });
            for (var j = 0; j < Markers.Count; j++)
            {
                if (Markers[j].State == MarkerState.Created) arguments.AddRange(new[] { Number(j), Markers[j].Path });
            }
            return RemoteScripts.Call(Script, "xenps_storage_destination", arguments.ToArray());
        }

        /// <summary>Reads what <see cref="DestinationCommand"/> printed.</summary>
        public void ReadDestination(RemoteResult section)
        {
            var values = KeyValueLines.Parse(section.Stdout);
            foreach (var (disk, i) in Probed()) disk.DestinationKind = Kind(values.Get("disk." + i));
            for (var j = 0; j < Markers.Count; j++)
            {
                var value = values.Get("marker." + j);
                Markers[j].SeenOnDestination = value.StartsWith("seen", StringComparison.Ordinal);
                Markers[j].RemovedByDestination = value == "seen-removed";
            }
        }

        /// <summary>Deletes the given markers (<c>rm -f</c>: one already gone is no error).</summary>
        public static string CleanupCommand(IEnumerable<string> markers) =>
            RemoteScripts.Call(Script, "xenps_storage_remove", markers.ToArray());

        private IEnumerable<(DiskProbe Disk, int Index)> Probed() =>
            Disks.Select((disk, i) => (disk, i)).Where(p => p.disk.Path != null);

        private static string Number(int number) => number.ToString(CultureInfo.InvariantCulture);

        private static PathKind Kind(string text) => text switch
        {
            "file" => PathKind.File,
            "block" => PathKind.Block,
            "folder" => PathKind.Folder,
            "other" => PathKind.Other,
            "missing" => PathKind.Missing,
            _ => PathKind.Unknown,
        };
    }
}
