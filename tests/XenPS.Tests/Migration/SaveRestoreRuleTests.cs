using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;
using XenPS.Core.Toolstacks;
using XenPS.Tests.HostileInput;
using XenPS.Tests.Sessions;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Migration
{
    /// <summary>The rules of Move-XenDomain -SaveTo: the folder it takes, the state file's name, the commands per toolstack, the checks that apply, and save-restore.sh on a real shell.</summary>
    public sealed class SaveRestoreRuleTests
    {
        private static readonly DateTime When = new DateTime(2026, 12, 7, 11, 40, 5);

        [Theory]
        [InlineData("/srv/shared", "/srv/shared")]
        [InlineData("/srv/shared/", "/srv/shared")]
        [InlineData("/mnt/xen saves", "/mnt/xen saves")]
        [InlineData("/THECUS_NFS/a=b;c", "/THECUS_NFS/a=b;c")]
        [InlineData("/srv/$(touch x)", "/srv/$(touch x)")]
        public void TakesAnAbsoluteFolderAndDropsOneTrailingSlash(string folder, string normal)
        {
            Assert.Null(SaveFolderPath.ProblemWith(folder));
            Assert.Equal(normal, SaveFolderPath.Normalize(folder));
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("srv/shared", "absolute")]
        [InlineData("~/saves", "absolute")]
        [InlineData("/", "root folder")]
        [InlineData("//", "root folder")]
        [InlineData("/srv/../etc", "'..'")]
        [InlineData("/srv/./shared", "'.'")]
        [InlineData("/srv//shared", "empty")]
        [InlineData("/srv/shared//", "empty")]
        [InlineData("/srv/shared\n; touch /tmp/x", "line break")]
        [InlineData("/srv/sha\rred", "control character")]
        [InlineData("/srv/sha\u001b[2Jred", "control character")]
        [InlineData("/srv/it's", "quote")]
        [InlineData("/srv/a\\b", "backslash")]
        public void RefusesEveryOtherFolderAndSaysWhy(string folder, string reason) => Assert.Contains(reason, SaveFolderPath.ProblemWith(folder));

        [Fact]
        public void RefusesAFolderLongerThanAPathMayBe() => Assert.Contains("longer than", SaveFolderPath.ProblemWith("/" + new string('a', 1024)));

        [Theory]
        [MemberData(nameof(HostileInputCorpus.Names), MemberType = typeof(HostileInputCorpus))]
        public void TheStateFileNameHoldsNoCharacterAShellOrAPathWouldRead(string corpusName)
        {
            var name = SaveFolderPath.FileName(HostileInputCorpus.Value(corpusName), When, RandomToken.New());

            Assert.Matches("^[A-Za-z0-9_][A-Za-z0-9._-]*-20261207-114005-[0-9a-f]{8}\\.xenps-save$", name);
            Assert.True(name.Length <= 64 + 36, name);
        }

        [Fact]
        public void TheStateFileNameStartsWithTheDomainsNameAndDiffersForEverySave()
        {
            Assert.Equal("tiny-20261207-114005-0123abcd.xenps-save", SaveFolderPath.FileName("tiny", When, "0123abcdef"));
            Assert.Equal("_x-20261207-114005-0123abcd.xenps-save", SaveFolderPath.FileName("-x", When, "0123abcdef"));
            Assert.Equal("_hidden-20261207-114005-0123abcd.xenps-save", SaveFolderPath.FileName(".hidden", When, "0123abcdef"));
            Assert.Equal("/srv/shared/tiny-20261207-114005-0123abcd.xenps-save", SaveFolderPath.StateFile("/srv/shared/", "tiny", When, "0123abcdef"));
            var names = Enumerable.Range(0, 50).Select(_ => SaveFolderPath.FileName("tiny", When, RandomToken.New())).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
        }

        [Fact]
        public void XlSavesTheDomainByItsIdAndRestoresTheFileAsItIs()
        {
            var xl = Toolstack.Xl.Implementation();
            const string file = "/srv/a b;$(touch x)/tiny-1.xenps-save";
            var domain = new XenDomain { Name = "1", Id = 7, Uuid = "5d3c2f9a-7e1b-4c6d-9a0e-2b8f4c1d7e63" };

            Assert.Equal(new[] { "xl", "save", "--", "7", file }, xl.SaveToFile(domain, file, "xl-a"));
            Assert.Equal(new[] { "xl", "restore", file }, xl.RestoreFromFile(file));
            Assert.Equal("'xl' 'restore' '/srv/a b;$(touch x)/tiny-1.xenps-save'", ShellQuote.Join(xl.RestoreFromFile(file)));
            var refused = Assert.Throws<XenSessionException>(() => xl.SaveToFile(new XenDomain { Name = "tiny" }, file, "xl-a"));
            Assert.Equal(XenSessionErrorId.DomainNotRunning, refused.ErrorId);
        }

        [Fact]
        public void XmSavesTheDomainByItsUuidAndElseByItsName()
        {
            var xm = Toolstack.Xm.Implementation();
            const string uuid = "5d3c2f9a-7e1b-4c6d-9a0e-2b8f4c1d7e63";

            Assert.Equal(new[] { "xm", "save", "--", uuid, "/THECUS_NFS/x.xenps-save" }, xm.SaveToFile(new XenDomain { Name = "com-xp1", Id = 1, Uuid = uuid }, "/THECUS_NFS/x.xenps-save", "dom0-a"));
            Assert.Equal(new[] { "xm", "save", "--", "-x", "/THECUS_NFS/x.xenps-save" }, xm.SaveToFile(new XenDomain { Name = "-x", Id = 1 }, "/THECUS_NFS/x.xenps-save", "dom0-a"));
            Assert.Equal(new[] { "xm", "restore", "/THECUS_NFS/x.xenps-save" }, xm.RestoreFromFile("/THECUS_NFS/x.xenps-save"));
        }

        [Fact]
        public void EachToolstackSaysHowItsRestoreRefusesANameThatIsTaken()
        {
            var existing = new XenDomain { Name = "tiny", Id = 3 };

            Assert.Equal("xl restore refuses the guest while tiny is there (Domain with name \"tiny\" already exists)", Toolstack.Xl.Implementation().RestoreRefusesClash("tiny", existing));
            Assert.Equal("xm restore refuses the guest while tiny is there (Domain 'tiny' already exists with ID '3')", Toolstack.Xm.Implementation().RestoreRefusesClash("tiny", existing));
            Assert.Contains("Failed to save domain, resuming domain", Toolstack.Xl.Implementation().SaveFailureText);
            Assert.Contains("Save failed on domain", Toolstack.Xm.Implementation().SaveFailureText);
        }

        [Fact]
        public void TheChecksOfAConnectionBetweenTheDom0sDoNotApply()
        {
            var ids = SaveRestoreReadiness.Applicable;

            foreach (var id in new[] { "HostsReachable", "ToolstackMatch", "XenVersion", "ToolPaths", "XendRunning", "DomainState", "PciPassthrough", "NameFree", "SharedStorage", "Memory", "Cpu", "Bridges" })
            {
                Assert.Contains(id, ids);
            }
            foreach (var id in new[] { "Network", "Relocation", "SshTrust", "Bandwidth" }) Assert.DoesNotContain(id, ids);
            Assert.Equal(ReadinessCheckId.All.Where(ids.Contains), ids);
        }

        [Fact]
        public async Task TheSaveCreatesItsFileForRootOnlyThenRunsTheToolstack()
        {
            using var folder = new TempFolder();
            var file = folder.File("tiny.xenps-save");

            var saved = await Run("xenps_state_save", file, "sh", "-c", "echo saved >> \"$1\"", "sh", file);

            Assert.Equal(0, saved.ExitCode);
            Assert.Equal("saved\n", File.ReadAllText(file));
            Assert.Equal("600", TempFolder.Run("stat", "-c", "%a", file).Trim());
        }

        [Fact]
        public async Task TheSaveNeverWritesOverAFileAndThenRunsNothing()
        {
            using var folder = new TempFolder();
            var file = folder.Write("tiny.xenps-save", "someone's");
            var link = folder.File("dangling.xenps-save");
            File.CreateSymbolicLink(link, folder.File("nowhere"));

            var overFile = await Run("xenps_state_save", file, "sh", "-c", "echo ran > \"$1\"", "sh", folder.File("ran"));
            var overLink = await Run("xenps_state_save", link, "sh", "-c", "echo ran > \"$1\"", "sh", folder.File("ran"));
            var noFolder = await Run("xenps_state_save", folder.File("missing/tiny.xenps-save"), "sh", "-c", "echo ran > \"$1\"", "sh", folder.File("ran"));

            Assert.Equal(22, overFile.ExitCode);
            Assert.Equal(22, overLink.ExitCode);
            Assert.Equal(23, noFolder.ExitCode);
            Assert.Contains("nothing was saved", noFolder.Stderr);
            Assert.Equal("someone's", File.ReadAllText(file));
            Assert.False(File.Exists(folder.File("ran")));
            Assert.False(File.Exists(folder.File("nowhere")));
        }

        [Fact]
        public async Task TheProbeTellsAFolderAndAFreePathAndTheSizeAndRemovalFollowTheFile()
        {
            using var folder = new TempFolder();
            var file = folder.Write("x.xenps-save", "12345");

            Assert.Equal("folder=yes\nfile=present\n", (await Run("xenps_state_probe", folder.Path, file)).Stdout);
            Assert.Equal("folder=no\nfile=absent\n", (await Run("xenps_state_probe", file, folder.File("y"))).Stdout);
            Assert.Equal("5\n", (await Run("xenps_state_size", file)).Stdout);
            Assert.Equal(0, (await Run("xenps_state_remove", file)).ExitCode);
            Assert.Equal("absent\n", (await Run("xenps_state_size", file)).Stdout);
            Assert.Equal(0, (await Run("xenps_state_remove", file)).ExitCode);
        }

        [Theory]
        [MemberData(nameof(HostileInputCorpus.FileNames), MemberType = typeof(HostileInputCorpus))]
        public async Task AHostileFolderReachesTheScriptAsDataOnly(string corpusName)
        {
            using var folder = new TempFolder();
            var hostile = Path.Combine(folder.Path, HostileInputCorpus.Value(corpusName));
            Directory.CreateDirectory(hostile);
            var file = hostile + "/" + SaveFolderPath.FileName("tiny", When, RandomToken.New());
            File.Delete(HostileInputCorpus.Canary);

            var probe = await Run("xenps_state_probe", hostile, file);
            var saved = await Run("xenps_state_save", file, "true");
            var removed = await Run("xenps_state_remove", file);

            Assert.Equal("folder=yes\nfile=absent\n", probe.Stdout);
            Assert.Equal(0, saved.ExitCode);
            Assert.Equal(0, removed.ExitCode);
            Assert.False(File.Exists(file));
            Assert.False(File.Exists(HostileInputCorpus.Canary));
        }

        [Fact]
        public async Task TheFolderToProveSharedGetsAMarkerInItselfAndPassesWhenTheOtherHostSeesIt()
        {
            using var folder = new TempFolder();
            var plan = StoragePlan.Create(Array.Empty<XenDomain>(), RandomToken.New(), folder.Path);
            var shell = new LocalShell();

            plan.ReadSource(await shell.RunAsync(plan.SourceCommand(), new RemoteRunOptions(), CancellationToken.None));
            plan.ReadDestination(await shell.RunAsync(plan.DestinationCommand(), new RemoteRunOptions(), CancellationToken.None));

            var shared = plan.SharedFolder!;
            Assert.Equal(PathKind.Folder, shared.SourceKind);
            Assert.Equal(PathKind.Folder, shared.DestinationKind);
            Assert.Equal(folder.Path, plan.Markers[shared.Marker].Folder);
            Assert.True(plan.Markers[shared.Marker].RemovedByDestination);
            Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
            var (status, detail, _) = StorageCheck.FolderVerdict(shared, plan.Markers[shared.Marker], "xl-a", "xl-b");
            Assert.Equal(StorageCheck.Severity.Pass, status);
            Assert.Contains("the same shared folder on both hosts", detail);
        }

        [Fact]
        public async Task AFolderThatIsAFileGetsNoMarkerAndADiskInTheFolderSharesItsMarker()
        {
            using var folder = new TempFolder();
            var file = folder.Write("not-a-folder", "x");
            var image = folder.Write("disks/tiny.img", "disk");
            var domain = new XenDomain { Name = "tiny", Disks = new[] { new XenDisk { Path = image, Backend = "file", Target = "xvda" } } };

            var onFile = StoragePlan.Create(Array.Empty<XenDomain>(), RandomToken.New(), file);
            onFile.ReadSource(await new LocalShell().RunAsync(onFile.SourceCommand(), new RemoteRunOptions(), CancellationToken.None));
            var withDisk = StoragePlan.Create(new[] { domain }, "ab", Path.GetDirectoryName(image));

            Assert.Equal(PathKind.File, onFile.SharedFolder!.SourceKind);
            Assert.Equal(MarkerState.NotNeeded, onFile.Markers[0].State);
            Assert.Contains("is not a folder on xl-a", StorageCheck.FolderVerdict(onFile.SharedFolder, onFile.Markers[0], "xl-a", "xl-b").Detail);
            Assert.Single(withDisk.Markers);
            Assert.Equal(withDisk.Disks[0].Marker, withDisk.SharedFolder!.Marker);
            Assert.Contains("'+0'", withDisk.SourceCommand());
        }

        [Theory]
        [InlineData(PathKind.Folder, PathKind.Folder, MarkerState.Created, true, StorageCheck.Severity.Pass, "the same shared folder on both hosts")]
        [InlineData(PathKind.Folder, PathKind.Folder, MarkerState.Created, false, StorageCheck.Severity.Fail, "xl-b has a folder of its own at /srv/shared")]
        [InlineData(PathKind.Folder, PathKind.Folder, MarkerState.Failed, false, StorageCheck.Severity.Fail, "a marker file could not be written in it on xl-a (Permission denied)")]
        [InlineData(PathKind.Folder, PathKind.Missing, MarkerState.Created, false, StorageCheck.Severity.Fail, "/srv/shared does not exist on xl-b")]
        [InlineData(PathKind.Missing, PathKind.Missing, MarkerState.NotNeeded, false, StorageCheck.Severity.Fail, "/srv/shared does not exist on xl-a")]
        [InlineData(PathKind.Folder, PathKind.File, MarkerState.Created, false, StorageCheck.Severity.Fail, "is not a folder on xl-b")]
        [InlineData(PathKind.Folder, PathKind.Unknown, MarkerState.Created, false, StorageCheck.Severity.Fail, "not checked, xl-b did not report")]
        public void OnlyASeenMarkerProvesTheFolderShared(object source, object destination, object state, bool seen, object severity, string detail)
        {
            var probe = new DiskProbe { IsFolder = true, Path = "/srv/shared", SourceKind = (PathKind)source, DestinationKind = (PathKind)destination, Marker = 0 };
            var marker = new MarkerProbe { Folder = "/srv/shared", Path = "/srv/shared/.xenps-marker-ab", State = (MarkerState)state, SeenOnDestination = seen, Error = "Permission denied" };

            var verdict = StorageCheck.FolderVerdict(probe, marker, "xl-a", "xl-b");

            Assert.Equal((StorageCheck.Severity)severity, verdict.Status);
            Assert.Contains(detail, verdict.Detail);
            if (verdict.Status != StorageCheck.Severity.Pass && !verdict.Detail.Contains("not checked")) Assert.NotNull(verdict.Remedy);
        }

        private static Task<RemoteResult> Run(string function, params string[] arguments) =>
            new LocalShell().RunAsync(RemoteScripts.Call("save-restore.sh", function, arguments), new RemoteRunOptions(), CancellationToken.None);
    }
}
