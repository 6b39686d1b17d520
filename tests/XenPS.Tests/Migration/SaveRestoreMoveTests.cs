using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Tests.Readiness;
using XenPS.Tests.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace XenPS.Tests.Migration
{
    /// <summary>
    /// A whole save and restore between two simulated xl dom0s (the lab's xl, tests/XenLab/xensim) that share a folder: what it does
    /// when every step works, when the destination's restore fails, when the source's does too, when the save fails, and what it
    /// refuses before anything changes.
    /// </summary>
    public sealed class SaveRestoreMoveTests : IDisposable
    {
        private readonly TempFolder folder = new TempFolder();
        private readonly List<string> log = new List<string>();
        private readonly ITestOutputHelper output;

        public SaveRestoreMoveTests(ITestOutputHelper output) => this.output = output;

        public void Dispose() => folder.Dispose();

        private string Shared => Path.Combine(folder.Path, "shared");

        private string Jobs => Path.Combine(folder.Path, "jobs");

        [Fact]
        public async Task MovesTheGuestAndRemovesItsStateFileOnceItRunsOnTheDestination()
        {
            var (source, destination) = Hosts();

            var plan = await Prepare(source, destination);
            var result = await Move(plan);

            Assert.True(result.Status == MigrationStatus.Succeeded, result.Error);
            Assert.Equal(MigrationMethod.SaveRestore, result.Method);
            Assert.Equal(DomainLocation.Destination, result.DomainLocation);
            Assert.Equal(GuestState.Absent, result.SourceState);
            Assert.Equal(GuestState.Blocked, result.DestinationState);
            Assert.True(result.VerifiedOnDestination);
            Assert.True(result.StateFileRemoved);
            Assert.Null(result.Error);
            Assert.Equal(plan.StateFile, result.StateFile);
            Assert.StartsWith(Shared + "/tiny-", plan.StateFile);
            Assert.Empty(Directory.GetFileSystemEntries(Shared));
            Assert.Empty(Directory.GetFileSystemEntries(Jobs));
            Assert.DoesNotContain("tiny", await List(source));
            Assert.Contains("tiny", await List(destination));
            Assert.Contains(log, l => l == $"xl-a: xl save -- 1 {plan.StateFile}");
            Assert.Contains(log, l => l == $"xl-b: xl restore {plan.StateFile}");
        }

        [Fact]
        public async Task ARestoreTheDestinationRefusesPutsTheGuestBackOnTheSourceAndSaysSo()
        {
            var (source, destination) = Hosts(destinationFreeMB: 20);

            var result = await Move(await Prepare(source, destination));

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(DomainLocation.Source, result.DomainLocation);
            Assert.Equal(GuestState.Blocked, result.SourceState);
            Assert.Equal(GuestState.Absent, result.DestinationState);
            Assert.True(result.StateFileRemoved);
            Assert.Contains("failed to free memory for the domain", result.Error);
            Assert.Contains("tiny was restored on xl-a from its state file and runs there again", result.Error);
            Assert.Empty(Directory.GetFileSystemEntries(Shared));
            Assert.Contains("tiny", await List(source));
            Assert.DoesNotContain("tiny", await List(destination));
        }

        [Fact]
        public async Task WhenTheSourceCannotRestoreItEitherTheFileIsKeptAndTheErrorSaysHowToRestoreIt()
        {
            var (source, destination) = Hosts(destinationFreeMB: 20);
            var broken = source with { Shell = new Rewriting(source.Shell, "'xl' 'restore'", "'xl' 'no-restore'") };

            var plan = await Prepare(broken, destination);
            var result = await Move(plan);

            Assert.Equal(MigrationStatus.Unknown, result.Status);
            Assert.Equal(DomainLocation.Neither, result.DomainLocation);
            Assert.False(result.StateFileRemoved);
            Assert.True(File.Exists(plan.StateFile));
            Assert.Contains("failed to free memory for the domain", result.Error);
            Assert.Contains("Restoring it on xl-a failed too", result.Error);
            Assert.Contains($"run 'xl restore {plan.StateFile}' on xl-a", result.Error);
            Assert.Contains("its state is in the state file, which XenPS kept", result.Error);
            Assert.DoesNotContain("tiny", await List(source));
            Assert.DoesNotContain("tiny", await List(destination));
        }

        [Fact]
        public async Task AFailedSaveLeavesTheGuestRunningAndRemovesTheFileItStarted()
        {
            var (source, destination) = Hosts();
            var broken = source with { Shell = new Rewriting(source.Shell, "'\\''xl'\\'' '\\''save'\\''", "'\\''false'\\'' '\\''save'\\''") };

            var plan = await Prepare(broken, destination);
            var result = await Move(plan);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(DomainLocation.Source, result.DomainLocation);
            Assert.Contains("xl save exited with status 1.", result.Error);
            Assert.Contains("tiny runs on xl-a (-b----), as before", result.Error);
            Assert.True(result.StateFileRemoved);
            Assert.Empty(Directory.GetFileSystemEntries(Shared));
            Assert.DoesNotContain(log, l => l.Contains("restore"));
        }

        [Fact]
        public async Task ARestoreWhoseStartNeverReachedTheDestinationIsMadeOnTheSource()
        {
            var (source, destination) = Hosts();
            var unreachable = destination with { Shell = new Failing(destination.Shell, "'xl' 'restore'", new XenSessionException(XenSessionErrorId.ConnectionFailed, "Cannot open an SSH connection to xl-b.")) };

            var result = await Move(await Prepare(source, unreachable));

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(DomainLocation.Source, result.DomainLocation);
            Assert.Contains("The restore on xl-b ('xl restore ", result.Error);
            Assert.Contains("failed: It could not be started (Cannot open an SSH connection to xl-b).", result.Error);
            Assert.Contains("tiny", await List(source));
        }

        [Fact]
        public async Task ARestoreWhoseStartLostItsAnswerIsFollowedWhereItRuns()
        {
            var (source, destination) = Hosts();
            var lossy = destination with { Shell = new Failing(destination.Shell, "'xl' 'restore'", new XenSessionException(XenSessionErrorId.ConnectionLost, "The SSH connection to xl-b was lost."), runFirst: true) };

            var result = await Move(await Prepare(source, lossy));

            Assert.True(result.Status == MigrationStatus.Succeeded, result.Error);
            Assert.Contains(log, l => l.StartsWith("xl-b: the start of the restore lost its answer", StringComparison.Ordinal));
            Assert.Contains("tiny", await List(destination));
        }

        [Fact]
        public async Task NothingStartsWhenCancelledBeforeTheSave()
        {
            var (source, destination) = Hosts();
            var plan = await Prepare(source, destination);

            await Assert.ThrowsAsync<OperationCanceledException>(() =>
                SaveRestoreMove.MoveAsync(plan, "test", log.Add, _ => { }, new CancellationToken(canceled: true)));

            Assert.Contains("tiny", await List(source));
            Assert.Empty(Directory.GetFileSystemEntries(Shared));
        }

        [Theory]
        [InlineData("ghost", "DomainNotFound", "No domain named 'ghost' on xl-a")]
        [InlineData("Domain-0", "DomainNotRunning", "control domain")]
        [InlineData("sleepy", "DomainNotRunning", "is paused (--p---) on xl-a: a restore lets the guest run")]
        [InlineData("taken", "DomainExists", "xl restore refuses the guest while taken is there (Domain with name \"taken\" already exists)")]
        public async Task RefusesAGuestThatCannotBeSavedOrRestoredAndChangesNothing(string name, string errorId, string message)
        {
            var (source, destination) = Hosts();

            var refused = await Assert.ThrowsAsync<XenSessionException>(() => SaveRestoreMove.PrepareAsync(source, destination, name, Shared, CancellationToken.None));

            Assert.Equal(errorId, refused.ErrorId.Name);
            Assert.Contains(message, refused.Message);
            Assert.EndsWith("Nothing was changed.", refused.Message);
        }

        [Fact]
        public async Task RefusesAFolderThatIsNoneOrHostsOfTwoToolstacks()
        {
            var (source, destination) = Hosts();

            var missing = await Assert.ThrowsAsync<XenSessionException>(() => SaveRestoreMove.PrepareAsync(source, destination, "tiny", Shared + "/missing", CancellationToken.None));
            var hostile = await Assert.ThrowsAsync<XenSessionException>(() => SaveRestoreMove.PrepareAsync(source, destination, "tiny", Shared + "/../etc", CancellationToken.None));
            var mixed = await Assert.ThrowsAsync<XenSessionException>(() => SaveRestoreMove.PrepareAsync(source, destination with { Toolstack = Toolstack.Xm }, "tiny", Shared, CancellationToken.None));

            Assert.Equal(XenSessionErrorId.SaveFolderInvalid, missing.ErrorId);
            Assert.Contains("is not a folder on xl-a", missing.Message);
            Assert.Equal(XenSessionErrorId.SaveFolderInvalid, hostile.ErrorId);
            Assert.Equal(XenSessionErrorId.ToolstackMismatch, mixed.ErrorId);
        }

        [Fact]
        public async Task TheFolderIsProvedSharedByAMarkerTheDestinationSees()
        {
            var (source, destination) = Hosts();
            var other = Path.Combine(folder.Path, "other");
            Directory.CreateDirectory(other);
            var elsewhere = destination with { Shell = new Rewriting(destination.Shell, Shared, other) };

            var shared = await SaveRestoreReadiness.ProveSharedAsync(await Prepare(source, destination), log.Add, CancellationToken.None);
            var notShared = await Prepare(source, elsewhere);
            var refused = await Assert.ThrowsAsync<XenSessionException>(() => SaveRestoreReadiness.ProveSharedAsync(notShared, log.Add, CancellationToken.None));

            Assert.Equal(ReadinessStatus.Pass, shared.Status);
            Assert.Contains("the same shared folder on both hosts", shared.Detail);
            Assert.Equal(XenSessionErrorId.SaveFolderNotShared, refused.ErrorId);
            Assert.Contains("xl-b has a folder of its own at", refused.Message);
            Assert.Empty(Directory.GetFileSystemEntries(Shared));
            Assert.Empty(Directory.GetFileSystemEntries(other));
        }

        [Fact]
        public async Task TheReadinessOfASaveAndRestoreTestsNoConnectionBetweenTheDom0s()
        {
            var (source, destination) = Hosts();
            var request = new ReadinessRequest { Domains = new[] { "tiny" }, WithoutDom0Link = true, MeasureBandwidth = true };

            var reports = await ReadinessChecker.CheckAsync(
                new ReadinessEndpoint(Name: "xl-a", Shell: source.Shell, HostName: "127.0.0.1"),
                new ReadinessEndpoint(Name: "xl-b", Shell: destination.Shell, HostName: "localhost"), request, log.Add, CancellationToken.None);

            var checks = reports[0].Checks.ToDictionary(c => c.Id);
            foreach (var id in new[] { "HostsReachable", "ToolstackMatch", "XenVersion", "DomainState", "PciPassthrough", "NameFree", "Memory", "Cpu" })
            {
                Assert.True(checks[id].Status == ReadinessStatus.Pass, $"{id}: {checks[id].Detail}");
            }
            Assert.Equal(ReadinessStatus.Skipped, checks["SharedStorage"].Status);
            foreach (var id in new[] { "Network", "SshTrust" })
            {
                Assert.Equal("Not checked: not tested: this move needs no connection between the two dom0s", checks[id].Detail);
            }
            Assert.Null(reports[0].MigrationTarget);
            Assert.DoesNotContain(log, l => l.Contains("migration target") || l.Contains("ssh login") || l.Contains("timed transfer"));
            Assert.Equal(new[] { "xl-a: SSH round trip 1", "xl-b: SSH round trip 1" }, log.Select(l => l.Substring(0, l.IndexOf(':', 5))).OrderBy(l => l, StringComparer.Ordinal));
        }

        private async Task<SaveRestorePlan> Prepare(SaveRestoreHost source, SaveRestoreHost destination) =>
            (await SaveRestoreMove.PrepareAsync(source, destination, "tiny", Shared, CancellationToken.None)) with { JobsFolder = Jobs };

        /// <summary>Moves, and writes the log and the outcome to the test's output.</summary>
        private async Task<MigrationResult> Move(SaveRestorePlan plan)
        {
            var result = await SaveRestoreMove.MoveAsync(plan, "xunit", log.Add, _ => { }, CancellationToken.None);
            foreach (var line in log) output.WriteLine(line);
            output.WriteLine($"{result.Status} {result.DomainLocation}: {result.Error}");
            return result;
        }

        private static async Task<string> List(SaveRestoreHost host) =>
            (await host.Shell.RunAsync("xl list", new RemoteRunOptions(), CancellationToken.None)).Stdout;

        /// <summary>xl-a running tiny (32 MB), sleepy (paused) and taken; xl-b running taken, with <paramref name="destinationFreeMB"/> free; the shared folder mounted on both.</summary>
        private (SaveRestoreHost Source, SaveRestoreHost Destination) Hosts(int? destinationFreeMB = null)
        {
            Directory.CreateDirectory(Shared);
            var profile = folder.Write("profile.json", $$"""
                {"hosts": [
                  {"name": "xl-a", "toolstacks": ["xl"], "xen": {"major": 4, "minor": 17, "extra": ".5"}, "total_memory_mb": 4095,
                   "domains": [{"name": "Domain-0", "memory": 1024},
                               {"name": "tiny", "domid": 1, "memory": 32, "kernel": "/boot/vmlinuz"},
                               {"name": "sleepy", "domid": 2, "memory": 16, "state": "--p---"},
                               {"name": "taken", "domid": 3, "memory": 16}]},
                  {"name": "xl-b", "toolstacks": ["xl"], "xen": {"major": 4, "minor": 17, "extra": ".5"}, "total_memory_mb": 4095
                   {{(destinationFreeMB is int free ? $", \"free_memory_mb\": {free}" : "")}},
                   "domains": [{"name": "Domain-0", "memory": 1024}, {"name": "taken", "domid": 1, "memory": 16}]}
                ]}
                """);
            var hosts = new[] { "xl-a", "xl-b" }.Select(name =>
            {
                var shell = SimulatedDom0.Create(folder.Path, profile, name);
                // The simulator finds every path under its host's root: there the shared folder is the same folder for both.
                var mount = Path.Combine(folder.Path, name, Shared.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(mount)!);
                Directory.CreateSymbolicLink(mount, Shared);
                return new SaveRestoreHost(name, shell, Toolstack.Xl, "4.17.5");
            }).ToArray();
            return (hosts[0], hosts[1]);
        }

        /// <summary>A shell whose commands have <paramref name="needle"/> replaced: a toolstack command made to fail, a folder moved.</summary>
        private sealed class Rewriting(IRemoteShell shell, string needle, string replacement) : IRemoteShell
        {
            public string ComputerName => shell.ComputerName;

            public Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken) =>
                shell.RunAsync(command.Replace(needle, replacement), options, cancellationToken);
        }

        /// <summary>A shell that throws <paramref name="error"/> for a command holding <paramref name="needle"/>, after running it when <paramref name="runFirst"/> (an answer lost).</summary>
        private sealed class Failing(IRemoteShell shell, string needle, Exception error, bool runFirst = false) : IRemoteShell
        {
            public string ComputerName => shell.ComputerName;

            public async Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
            {
                if (!command.Contains(needle)) return await shell.RunAsync(command, options, cancellationToken);
                if (runFirst) await shell.RunAsync(command, options, cancellationToken);
                throw error;
            }
        }
    }
}
