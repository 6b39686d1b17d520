using System.IO;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Tests.Sessions;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class StorageTests
    {
        private static readonly RemoteRunOptions Options = new RemoteRunOptions { NeedsRoot = true };

        private static XenDomain WithDisks(params XenDisk[] disks)
        {
            var domain = Hosts.ComXp1();
            domain.Disks = disks;
            return domain;
        }

        [Fact]
        public void ThePlanHasOneMarkerPerFolderAndProbesPhyNamesUnderDev()
        {
            var domain = WithDisks(
                new XenDisk { Path = "/THECUS_NFS/com-xp1.img", Backend = "file", Target = "hda" },
                new XenDisk { Path = "/THECUS_NFS/data.img", Backend = "tap:aio", Target = "hdb" },
                new XenDisk { Path = "hda1", Backend = "phy", Target = "hdc" },
                new XenDisk { Path = null, Backend = "", Target = "hdd", IsCdrom = true },
                new XenDisk { Path = "images/x.img", Backend = "file", Target = "hde" });

            var plan = StoragePlan.Create(new[] { domain }, "0123");

            Assert.Equal(2, plan.Markers.Count);
            Assert.Equal("/THECUS_NFS/.xenps-marker-0123", plan.Markers[0].Path);
            Assert.Equal("/dev/.xenps-marker-0123", plan.Markers[1].Path);
            Assert.Equal(0, plan.Disks[1].Marker);
            Assert.Equal("/dev/hda1", plan.Disks[2].Path);
            Assert.Null(plan.Disks[3].Path);
            Assert.Equal("its path 'images/x.img' is not an absolute path", plan.Disks[4].Problem);
            Assert.Empty(plan.Leftovers);
        }

        [Fact]
        public void AnImageAtTheRootGetsAMarkerAtTheRoot()
        {
            var plan = StoragePlan.Create(new[] { WithDisks(new XenDisk { Path = "/disk.img", Backend = "file" }) }, "ab");

            Assert.Equal("/", plan.Markers[0].Folder);
            Assert.Equal("/.xenps-marker-ab", plan.Markers[0].Path);
        }

        [Fact]
        public void NoncesAreRandomHex()
        {
            var nonce = RandomToken.New();

            Assert.Matches("^[0-9a-f]{32}$", nonce);
            Assert.NotEqual(nonce, RandomToken.New());
        }

        [Fact]
        public async Task AMarkerWrittenBesideAnImageIsSeenAndRemovedWhereTheFolderIsShared()
        {
            using var folder = new TempFolder();
            var image = Path.Combine(folder.Path, "it's an image.img");
            File.WriteAllText(image, "disk");
            var plan = StoragePlan.Create(new[] { WithDisks(new XenDisk { Path = image, Backend = "file", Target = "hda", Mode = "w" }) }, RandomToken.New());
            var shell = new LocalShell();

            plan.MarkPending();
            plan.ReadSource(await RunAsync(shell, plan.SourceCommand()));
            Assert.Equal(MarkerState.Created, plan.Markers[0].State);
            Assert.True(File.Exists(plan.Markers[0].Path));
            Assert.Equal(new[] { plan.Markers[0].Path }, plan.Leftovers);

            plan.ReadDestination(await RunAsync(shell, plan.DestinationCommand()));

            Assert.Equal(PathKind.File, plan.Disks[0].SourceKind);
            Assert.Equal(PathKind.File, plan.Disks[0].DestinationKind);
            Assert.True(plan.Markers[0].SeenOnDestination);
            Assert.True(plan.Markers[0].RemovedByDestination);
            Assert.False(File.Exists(plan.Markers[0].Path));
            Assert.Empty(plan.Leftovers);
            var check = StorageCheck.SharedStorage("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), Hosts.Xm("dom0-b"), plan, null);
            Assert.Equal(ReadinessStatus.Pass, check.Status);
        }

        [Fact]
        public async Task AMarkerTheDestinationDoesNotSeeIsLeftForTheCleanup()
        {
            using var folder = new TempFolder();
            var image = Path.Combine(folder.Path, "com-xp1.img");
            File.WriteAllText(image, "disk");
            var plan = StoragePlan.Create(new[] { WithDisks(new XenDisk { Path = image, Backend = "file", Target = "hda", Mode = "w" }) }, RandomToken.New());
            var shell = new LocalShell();
            plan.MarkPending();
            plan.ReadSource(await RunAsync(shell, plan.SourceCommand()));

            // What a destination with its own copy at the same path answers.
            plan.ReadDestination(new RemoteResult(0, "disk.0=file\nmarker.0=unseen\n", ""));
            Assert.Equal(new[] { plan.Markers[0].Path }, plan.Leftovers);
            var result = await RunAsync(shell, StoragePlan.CleanupCommand(plan.Leftovers));

            Assert.Equal(0, result.ExitCode);
            Assert.False(File.Exists(plan.Markers[0].Path));
            Assert.True(File.Exists(image));
            var check = StorageCheck.SharedStorage("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), Hosts.Xm("dom0-b"), plan, null);
            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("dom0-b has its own copy at", check.Detail);
        }

        [Fact]
        public async Task AFolderWhereNoMarkerCanBeWrittenIsReportedWithTheReason()
        {
            // /proc/version is a regular file in a folder nobody can create files in.
            var plan = StoragePlan.Create(new[] { WithDisks(new XenDisk { Path = "/proc/version", Backend = "file", Target = "hda" }) }, RandomToken.New());

            plan.ReadSource(await RunAsync(new LocalShell(), plan.SourceCommand()));

            Assert.Equal(MarkerState.Failed, plan.Markers[0].State);
            Assert.NotEqual("", plan.Markers[0].Error);
            Assert.Empty(plan.Leftovers);
        }

        [Fact]
        public async Task DevicesAndMissingPathsGetNoMarker()
        {
            var plan = StoragePlan.Create(new[]
            {
                WithDisks(new XenDisk { Path = "null", Backend = "phy" }, new XenDisk { Path = "/nonexistent/xenps/disk.img", Backend = "file" }),
            }, RandomToken.New());

            plan.ReadSource(await RunAsync(new LocalShell(), plan.SourceCommand()));

            Assert.Equal("/dev/null", plan.Disks[0].Path);
            Assert.Equal(PathKind.Other, plan.Disks[0].SourceKind);
            Assert.Equal(PathKind.Missing, plan.Disks[1].SourceKind);
            Assert.All(plan.Markers, m => Assert.Equal(MarkerState.NotNeeded, m.State));
            Assert.False(Directory.Exists("/nonexistent/xenps"));
        }

        [Fact]
        public async Task APathIsQuotedSoThatItCannotRunCommands()
        {
            using var folder = new TempFolder();
            var image = folder.Write("x$(echo INJECTED >&2)'`echo INJECTED >&2`;echo INJECTED >&2\n.img", "disk");
            var plan = StoragePlan.Create(new[] { WithDisks(new XenDisk { Path = image, Backend = "file" }) }, RandomToken.New());

            var result = await RunAsync(new LocalShell(), plan.SourceCommand());
            plan.ReadSource(result);

            Assert.DoesNotContain("INJECTED", result.Stderr);
            Assert.Equal(PathKind.File, plan.Disks[0].SourceKind);
            Assert.Equal(MarkerState.Created, plan.Markers[0].State);
            Assert.True(File.Exists(plan.Markers[0].Path));
        }

        private static DiskProbe Probe(PathKind source, PathKind destination, string mode = "w") => new DiskProbe
        {
            Domain = "com-xp1",
            Disk = new XenDisk { Path = "/THECUS_NFS/com-xp1.img", Backend = "file", Target = "hda", Mode = mode },
            Path = "/THECUS_NFS/com-xp1.img",
            Marker = 0,
            SourceKind = source,
            DestinationKind = destination,
        };

        private static MarkerProbe Marker(MarkerState state, bool seen) =>
            new MarkerProbe { Folder = "/THECUS_NFS", Path = "/THECUS_NFS/.xenps-marker-n", State = state, SeenOnDestination = seen, Error = "Permission denied" };

        [Theory]
        [InlineData(PathKind.File, PathKind.File, MarkerState.Created, true, "w", StorageCheck.Severity.Pass, "the same shared file on both hosts")]
        [InlineData(PathKind.File, PathKind.File, MarkerState.Created, false, "w", StorageCheck.Severity.Fail, "dom0-b has its own copy at /THECUS_NFS/com-xp1.img, not the shared file")]
        [InlineData(PathKind.File, PathKind.File, MarkerState.Created, false, "r", StorageCheck.Severity.Warning, "The disk is read-only")]
        [InlineData(PathKind.File, PathKind.File, MarkerState.Failed, false, "w", StorageCheck.Severity.Warning, "a marker file could not be written beside it on dom0-a (Permission denied)")]
        [InlineData(PathKind.File, PathKind.Missing, MarkerState.Created, false, "w", StorageCheck.Severity.Fail, "/THECUS_NFS/com-xp1.img does not exist on dom0-b.")]
        [InlineData(PathKind.File, PathKind.Block, MarkerState.Created, false, "w", StorageCheck.Severity.Fail, "is a file on dom0-a but not on dom0-b")]
        [InlineData(PathKind.Block, PathKind.Block, MarkerState.NotNeeded, false, "w", StorageCheck.Severity.Warning, "cannot prove that it is the same shared device")]
        [InlineData(PathKind.Block, PathKind.File, MarkerState.NotNeeded, false, "w", StorageCheck.Severity.Fail, "is a block device on dom0-a but not on dom0-b")]
        [InlineData(PathKind.Missing, PathKind.Missing, MarkerState.NotNeeded, false, "w", StorageCheck.Severity.Fail, "does not exist on dom0-a")]
        [InlineData(PathKind.File, PathKind.Unknown, MarkerState.Created, false, "w", StorageCheck.Severity.Fail, "not checked, dom0-b did not report")]
        public void EachDiskGetsAVerdict(object source, object destination, object state, bool seen, string mode, object expected, string detail)
        {
            var (status, text, remedy) = StorageCheck.Verdict(Probe((PathKind)source, (PathKind)destination, mode), Marker((MarkerState)state, seen), "dom0-a", "dom0-b");

            Assert.Equal((StorageCheck.Severity)expected, status);
            Assert.Contains(detail, text);
            if (status != StorageCheck.Severity.Pass && !text.Contains("not checked")) Assert.NotNull(remedy);
        }

        [Fact]
        public void TheWorstDiskDecidesAndEmptyCdromsAreSkipped()
        {
            var domain = WithDisks(
                new XenDisk { Path = "/THECUS_NFS/com-xp1.img", Backend = "file", Target = "hda", Mode = "w" },
                new XenDisk { Path = null, Target = "hdc", IsCdrom = true });
            var plan = StoragePlan.Create(new[] { domain }, "n");
            plan.Disks[0].SourceKind = PathKind.File;
            plan.Disks[0].DestinationKind = PathKind.Missing;
            var onlyCdrom = WithDisks(new XenDisk { Path = null, Target = "hdc", IsCdrom = true });

            var check = StorageCheck.SharedStorage("com-xp1", Hosts.Xm("dom0-a").With(domain), domain, Hosts.Xm("dom0-b"), plan, null);
            var skipped = StorageCheck.SharedStorage("com-xp1", Hosts.Xm("dom0-a"), onlyCdrom, Hosts.Xm("dom0-b"), StoragePlan.Create(new[] { onlyCdrom }, "n"), null);
            var notProbed = StorageCheck.SharedStorage("com-xp1", Hosts.Xm("dom0-a"), domain, Hosts.Xm("dom0-b"), plan, "dom0-b did not answer the readiness probe: Connection lost.");

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("hda (file:/THECUS_NFS/com-xp1.img): /THECUS_NFS/com-xp1.img does not exist on dom0-b. hdc: empty cdrom drive, nothing to share.", check.Detail);
            Assert.Equal("Make /THECUS_NFS shared storage, mounted at the same path on both hosts (NFS, iSCSI, DRBD...).", check.Remedy);
            Assert.Equal(ReadinessStatus.Skipped, skipped.Status);
            Assert.Equal("Not checked: dom0-b did not answer the readiness probe: Connection lost.", notProbed.Detail);
        }

        [Fact]
        public void AnHvmImageCdromIsCheckedByItsPathAndAnEmptyOneIsNot()
        {
            const string text = "(domain (domid 2) (name w) (state -b----) (image (hvm (cdrom /iso/boot.iso))) (device (vbd (dev hdd:cdrom) (mode r))))";
            var domain = Assert.Single(XmDomainParser.Parse(text, "dom0-a"));
            var plan = StoragePlan.Create(new[] { domain }, "n");
            var iso = Assert.Single(plan.Disks, d => d.Path != null);
            iso.SourceKind = PathKind.File;
            iso.DestinationKind = PathKind.Missing;

            var check = StorageCheck.SharedStorage("w", Hosts.Xm("dom0-a").With(domain), domain, Hosts.Xm("dom0-b"), plan, null);

            Assert.Equal("/iso/boot.iso", iso.Path);
            Assert.Contains("/iso/boot.iso", plan.SourceCommand());
            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("hdd: empty cdrom drive, nothing to share. hdc (/iso/boot.iso): /iso/boot.iso does not exist on dom0-b.", check.Detail);
            Assert.Equal("Make /iso shared storage, mounted at the same path on both hosts (NFS, iSCSI, DRBD...).", check.Remedy);
        }

        private static async Task<RemoteResult> RunAsync(IRemoteShell shell, string command)
        {
            var sections = await new RemoteBatch().Add("step", command).RunAsync(shell, Options, CancellationToken.None);
            return sections["step"];
        }
    }
}
