using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;
using XenPS.Tests.Sessions;
using Xunit;

namespace XenPS.Tests.Migration
{
    public sealed class MigrationJournalTests : IDisposable
    {
        private const string Password = "pw-Hunter2-secret";
        private const string Passphrase = "pp-Correct-Horse";
        private const string KeyFile = "/home/ops/.ssh/xen_migration_key";
        private const string SshCommandKey = "/root/.ssh/xl_trust_key";

        private readonly TempFolder folder = new TempFolder();

        public void Dispose() => folder.Dispose();

        private string JournalPath => folder.File("XenPS/migrations.jsonl");

        /// <summary>
        /// A session that is never connected but knows its names, toolstack and secrets as a real one does: an SshRemoteShell without a
        /// connection, around the connection target that New-XenSession would resolve.
        /// </summary>
        private XenSession Session(string name, Toolstack toolstack = Toolstack.Xl, string? password = null, string? keyFile = null, string? passphrase = null)
        {
            var config = folder.Write("ssh_config", "");
            var target = ConnectionTarget.Resolve(new SessionOptions
            {
                ComputerName = name,
                SshConfigPath = config,
                Password = password,
                KeyPassphrase = passphrase,
                KeyFilePaths = keyFile is null ? Array.Empty<string>() : new[] { keyFile },
            });
            var shell = (SshRemoteShell)RuntimeHelpers.GetUninitializedObject(typeof(SshRemoteShell));
            typeof(SshRemoteShell).GetField("target", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(shell, target);
            return new XenSession(shell, new ToolstackDetection(toolstack, new[] { toolstack }, false, "4.17.5", Array.Empty<KeyValuePair<string, string>>()), null);
        }

        private MigrationRequest Request(string domain, string source = "xl-a", string destination = "xl-b") =>
            new MigrationRequest(Session(source), Session(destination), domain);

        private static MigrationTarget Target(string host = "xl-b") => new MigrationTarget
        {
            Host = host,
            Address = "198.18.0.12",
            Port = 22,
            Toolstack = Toolstack.Xl,
            Origin = MigrationTargetOrigin.DestinationName,
            Reason = "the name given with -Destination, as xl-a resolves it",
        };

        private static MigrationResult Result(MigrationRequest request, MigrationStatus status, string? error = null) => new MigrationResult
        {
            Domain = request.Domain,
            Source = request.Source.ComputerName,
            Destination = request.Destination.ComputerName,
            Toolstack = Toolstack.Xl,
            MigrationTarget = request.Target,
            Status = status,
            Duration = TimeSpan.FromMilliseconds(4321),
            DomainLocation = status == MigrationStatus.Succeeded ? DomainLocation.Destination : DomainLocation.Source,
            GuestDowntime = status == MigrationStatus.Succeeded ? TimeSpan.FromMilliseconds(750) : null,
            Error = error,
        };

        private static MigrationHistory Read(string path, Func<string?, int, DateTime?, bool?>? stillRuns = null) =>
            MigrationHistory.Join(path, new MigrationJournal(path).ReadLines(), stillRuns ?? ((_, _, _) => false));

        /// <summary>Writes the start and end lines of one migration that ends with <paramref name="result"/>, as the batch does.</summary>
        private static void Journal(MigrationJournal journal, MigrationRequest request, Func<MigrationRequest, MigrationResult> result)
        {
            var recorder = new MigrationJournalRecorder(journal);
            var migration = recorder.Start(request, out var warning);
            Assert.Null(warning);
            Assert.Null(recorder.Ended(migration, request, result(request)));
        }

        [Fact]
        public void AStartAndAnEndLineReadBackAsOneMigration()
        {
            var journal = new MigrationJournal(JournalPath);
            var request = Request("tiny");
            request.Live = true;
            var before = DateTime.Now.AddSeconds(-1);

            var recorder = new MigrationJournalRecorder(journal);
            var migration = recorder.Start(request, out var warning);
            request.Target = Target();
            request.DomainUuid = "7d3b2c1a-0000-4000-8000-00000000c0de";
            Assert.Null(warning);
            Assert.Null(recorder.Ended(migration, request, Result(request, MigrationStatus.Succeeded)));

            var lines = File.ReadAllLines(JournalPath);
            Assert.Equal(2, lines.Length);
            Assert.Contains("\"event\":\"start\"", lines[0]);
            Assert.Contains("\"event\":\"end\"", lines[1]);
            var history = Read(JournalPath);
            Assert.Empty(history.Problems);
            var entry = Assert.Single(history.Entries);
            Assert.Equal(migration!.Start.Id, entry.Id);
            Assert.Equal(("tiny", "xl-a", "xl-b"), (entry.Domain, entry.Source, entry.Destination));
            Assert.Equal(MigrationHistoryStatus.Succeeded, entry.Status);
            Assert.Equal(Toolstack.Xl, entry.Toolstack);
            Assert.True(entry.Live);
            Assert.Equal("7d3b2c1a-0000-4000-8000-00000000c0de", entry.DomainUuid);
            Assert.Equal("xl-b:22", entry.MigrationTarget!.ToString());
            Assert.Equal(MigrationTargetOrigin.DestinationName, entry.MigrationTarget.Origin);
            Assert.Equal("the name given with -Destination, as xl-a resolves it", entry.MigrationTarget.Reason);
            Assert.Equal("198.18.0.12", entry.MigrationTarget.Address);
            Assert.Equal(TimeSpan.FromMilliseconds(4321), entry.Duration);
            Assert.Equal(DomainLocation.Destination, entry.DomainLocation);
            Assert.Equal(TimeSpan.FromMilliseconds(750), entry.GuestDowntime);
            Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", entry.StartedBy);
            Assert.Equal(Environment.ProcessId, entry.ProcessId);
            Assert.Equal(DateTimeKind.Local, entry.StartTime.Kind);
            Assert.InRange(entry.StartTime, before, DateTime.Now.AddSeconds(1));
            Assert.True(entry.EndTime >= entry.StartTime);
            Assert.Null(entry.Message);
            Assert.Equal(JournalPath, entry.JournalPath);
        }

        [Fact]
        public void AnErrorBeforeTheToolstackStartedIsFailedAndOneAfterItIsUnknown()
        {
            var journal = new MigrationJournal(JournalPath);
            var recorder = new MigrationJournalRecorder(journal);
            var ghost = Request("ghost");
            var lost = Request("tiny");
            var missing = new XenSessionException(XenSessionErrorId.DomainNotFound, "No domain named 'ghost' on xl-a.");
            var dropped = new XenSessionException(XenSessionErrorId.ConnectionLost, "The connection to xl-a was lost.");

            Assert.Null(recorder.Failed(recorder.Start(ghost, out _), ghost, missing, commandStarted: false));
            Assert.Null(recorder.Failed(recorder.Start(lost, out _), lost, dropped, commandStarted: true));

            var entries = Read(JournalPath).Entries;
            var failed = Assert.Single(entries, e => e.Domain == "ghost");
            Assert.Equal((MigrationHistoryStatus.Failed, "DomainNotFound", "No domain named 'ghost' on xl-a."), (failed.Status, failed.ErrorId, failed.Message));
            Assert.NotNull(failed.Duration);
            Assert.Null(failed.DomainLocation);
            var unknown = Assert.Single(entries, e => e.Domain == "tiny");
            Assert.Equal((MigrationHistoryStatus.Unknown, "ConnectionLost"), (unknown.Status, unknown.ErrorId));
        }

        [Fact]
        public void TheNewestMigrationComesFirst()
        {
            var journal = new MigrationJournal(JournalPath);
            foreach (var name in new[] { "first", "second", "third" })
            {
                Journal(journal, Request(name), r => Result(r, MigrationStatus.Succeeded));
            }

            Assert.Equal(new[] { "third", "second", "first" }, Read(JournalPath).Entries.Select(e => e.Domain));
        }

        [Fact]
        public async Task TwoWritersAtOnceLoseNoLineAndMixNoLines()
        {
            const int Writers = 6;
            const int Migrations = 10;
            using var start = new Barrier(Writers);
            var requests = Enumerable.Range(0, Writers).Select(w => Request($"w{w}", $"src{w}", $"dst{w}")).ToList();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
            {
                // Each writer its own journal object, as two Move-XenDomain calls (or two processes) have.
                var journal = new MigrationJournal(JournalPath);
                var request = requests[w];
                start.SignalAndWait();
                for (var i = 0; i < Migrations; i++) Journal(journal, request, r => Result(r, MigrationStatus.Succeeded, new string('x', 700)));
            })).ToList();
            await Task.WhenAll(writers);

            var history = Read(JournalPath);
            Assert.Empty(history.Problems);
            Assert.Equal(Writers * Migrations, history.Entries.Count);
            Assert.All(history.Entries, e => Assert.Equal(MigrationHistoryStatus.Succeeded, e.Status));
            Assert.All(Enumerable.Range(0, Writers), w => Assert.Equal(Migrations, history.Entries.Count(e => e.Domain == $"w{w}" && e.Source == $"src{w}")));
        }

        [Fact]
        public async Task AWriterWaitsWhileAnotherProcessHoldsTheJournal()
        {
            var journal = new MigrationJournal(JournalPath);
            Journal(journal, Request("before"), r => Result(r, MigrationStatus.Succeeded));
            var waiting = Request("waiting");
            Task<string?> append;
            // Another writer's open, as another process has it: exclusive (an flock lock on Unix).
            using (var held = new FileStream(JournalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                append = Task.Run(() => journal.TryAppend(MigrationJournalRecorder.StartLine(Guid.NewGuid(), waiting, DateTime.UtcNow).ToJson()));
                await Task.Delay(300);
                Assert.False(append.IsCompleted);
            }

            Assert.Null(await append);
            Assert.Equal(new[] { "waiting", "before" }, Read(JournalPath).Entries.Select(e => e.Domain));
        }

        [Fact]
        public void ATruncatedLastLineIsSkippedWithItsLineNumberAndTheNextLineStaysWhole()
        {
            var journal = new MigrationJournal(JournalPath);
            Journal(journal, Request("one"), r => Result(r, MigrationStatus.Succeeded));
            var cut = MigrationJournalRecorder.StartLine(Guid.NewGuid(), Request("two"), DateTime.UtcNow).ToJson();
            File.AppendAllText(JournalPath, cut.Substring(0, cut.Length / 2));

            var history = Read(JournalPath);
            var problem = Assert.Single(history.Problems);
            Assert.Equal(3, problem.LineNumber);
            Assert.StartsWith("it is not complete JSON", problem.Reason);
            Assert.Equal("one", Assert.Single(history.Entries).Domain);

            Journal(journal, Request("three"), r => Result(r, MigrationStatus.Failed, "no"));
            history = Read(JournalPath);
            Assert.Equal(3, Assert.Single(history.Problems).LineNumber);
            Assert.Equal(new[] { "three", "one" }, history.Entries.Select(e => e.Domain));
            Assert.Equal(MigrationHistoryStatus.Failed, history.Entries[0].Status);
        }

        [Fact]
        public void LinesThatAreNotJournalLinesAreSkippedEachWithItsNumber()
        {
            var journal = new MigrationJournal(JournalPath);
            Journal(journal, Request("good"), r => Result(r, MigrationStatus.Succeeded));
            var end = File.ReadAllLines(JournalPath)[1];
            File.AppendAllLines(JournalPath, new[]
            {
                "not json at all",
                "[1, 2]",
                "{\"v\":2,\"event\":\"start\"}",
                "{\"v\":1,\"event\":\"start\",\"time\":\"2025-01-14T09:30:12Z\",\"domain\":\"x\"}",
                "",
                end,
            });

            var history = Read(JournalPath);

            Assert.Equal(new[] { 3, 4, 5, 6, 8 }, history.Problems.Select(p => p.LineNumber));
            Assert.Contains("second end line", history.Problems.Last().Reason);
            Assert.Equal("good", Assert.Single(history.Entries).Domain);
        }

        [Fact]
        public void AStartWithoutAnEndIsRunningWhileItsProcessRunsAndUnknownOtherwise()
        {
            var journal = new MigrationJournal(JournalPath);
            var request = Request("tiny");
            Assert.Null(journal.TryAppend(MigrationJournalRecorder.StartLine(Guid.NewGuid(), request, DateTime.UtcNow).ToJson()));

            var running = Assert.Single(Read(JournalPath, (_, _, _) => true).Entries);
            Assert.Equal(MigrationHistoryStatus.Running, running.Status);
            Assert.Null(running.EndTime);
            Assert.Null(running.Duration);
            Assert.Contains($"process {Environment.ProcessId} on {Environment.MachineName}", running.Message);

            var gone = Assert.Single(Read(JournalPath, (_, _, _) => false).Entries);
            Assert.Equal(MigrationHistoryStatus.Unknown, gone.Status);
            Assert.Contains("has ended", gone.Message);
            Assert.Contains("Get-XenDomain -ComputerName xl-a, xl-b -Name tiny", gone.Message);

            var elsewhere = Assert.Single(Read(JournalPath, (_, _, _) => null).Entries);
            Assert.Equal(MigrationHistoryStatus.Unknown, elsewhere.Status);
            Assert.Contains("cannot be told", elsewhere.Message);

            // The real check: this process runs, and the start line recorded when it started.
            Assert.Equal(MigrationHistoryStatus.Running, new MigrationJournal(JournalPath).Read().Entries[0].Status);
        }

        [Fact]
        public void TheProcessCheckTellsThisProcessFromAnEndedOneAndAnotherComputer()
        {
            using var self = Process.GetCurrentProcess();
            var started = self.StartTime.ToUniversalTime();
            Assert.True(MigrationHistory.ProcessStillRuns(Environment.MachineName, self.Id, started));
            Assert.False(MigrationHistory.ProcessStillRuns(Environment.MachineName, self.Id, started.AddHours(-1)));
            Assert.Null(MigrationHistory.ProcessStillRuns("another-computer", self.Id, started));

            using var ended = Process.Start(RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? new ProcessStartInfo("cmd", "/c exit") { UseShellExecute = false }
                : new ProcessStartInfo("true") { UseShellExecute = false })!;
            var id = ended.Id;
            ended.WaitForExit();
            Assert.False(MigrationHistory.ProcessStillRuns(Environment.MachineName, id, DateTime.UtcNow));
        }

        [Fact]
        public void AFolderThatCannotBeCreatedGivesAReasonNotAnException()
        {
            var file = folder.Write("a-file", "not a folder");
            var journal = new MigrationJournal(Path.Combine(file, "XenPS", "migrations.jsonl"));

            Assert.NotNull(journal.TryAppend("{}"));
            Assert.NotNull(new MigrationJournal("relative/migrations.jsonl").TryAppend("{}"));
        }

        [Fact]
        public void ABatchWhoseJournalCannotBeWrittenWarnsOnceAndStillMigrates()
        {
            var file = folder.Write("a-file", "not a folder");
            var batch = new MigrationBatch(new[] { Request("web1"), Request("web2") }, 2, async (request, progress, log, ct) =>
            {
                await Task.Yield();
                return Result(request, MigrationStatus.Succeeded);
            })
            {
                Journal = new MigrationJournal(Path.Combine(file, "XenPS", "migrations.jsonl")),
            };

            var events = batch.Run(CancellationToken.None).ToList();

            var warning = Assert.Single(events.OfType<MigrationWarningEvent>());
            Assert.StartsWith($"The migration journal {Path.Combine(file, "XenPS", "migrations.jsonl")} could not be written: ", warning.Message);
            Assert.Contains("the migrations themselves go on", warning.Message);
            Assert.Equal(2, events.OfType<MigrationResultEvent>().Count(e => e.Result.Status == MigrationStatus.Succeeded));
            Assert.Empty(events.OfType<MigrationErrorEvent>());
        }

        [Fact]
        public async Task ABatchRecordsEachMigrationBeforeItsResultOrErrorIsReported()
        {
            var journal = new MigrationJournal(JournalPath);
            var batch = new MigrationBatch(new[] { Request("web1"), Request("ghost") }, 1, async (request, progress, log, ct) =>
            {
                await Task.Yield();
                if (request.Domain == "ghost") throw new XenSessionException(XenSessionErrorId.DomainNotFound, "No domain named 'ghost' on xl-a.");
                request.Target = Target();
                request.Started!(new StartedMigration(request.Domain, "xl-a", "xl-b", "xl migrate", "/var/run/xenps/migrate-1/log"));
                return Result(request, MigrationStatus.Succeeded);
            })
            {
                Journal = journal,
            };
            var seenAtEnd = new ConcurrentDictionary<string, MigrationHistoryStatus>();

            await batch.RunAsync(e =>
            {
                if (e is MigrationResultEvent or MigrationErrorEvent)
                {
                    seenAtEnd[e.Domain] = Read(JournalPath).Entries.Single(h => h.Domain == e.Domain).Status;
                }
            }, CancellationToken.None);

            Assert.Equal(MigrationHistoryStatus.Succeeded, seenAtEnd["web1"]);
            Assert.Equal(MigrationHistoryStatus.Failed, seenAtEnd["ghost"]);
            var entries = Read(JournalPath).Entries;
            Assert.Equal("xl-b:22", entries.Single(e => e.Domain == "web1").MigrationTarget?.ToString());
            Assert.Equal("DomainNotFound", entries.Single(e => e.Domain == "ghost").ErrorId);
        }

        [Fact]
        public async Task AMigrationTheCallerStopsWatchingIsRecordedAsStopped()
        {
            using var cancellation = new CancellationTokenSource();
            var batch = new MigrationBatch(new[] { Request("web1") }, 1, async (request, progress, log, ct) =>
            {
                request.Started!(new StartedMigration(request.Domain, "xl-a", "xl-b", "xl migrate", "/var/run/xenps/migrate-1/log"));
                cancellation.Cancel();
                await Task.Delay(Timeout.Infinite, ct);
                return Result(request, MigrationStatus.Succeeded);
            })
            {
                Journal = new MigrationJournal(JournalPath),
            };

            await batch.RunAsync(_ => { }, cancellation.Token);

            var entry = Assert.Single(Read(JournalPath).Entries);
            Assert.Equal(MigrationHistoryStatus.Stopped, entry.Status);
            Assert.StartsWith("web1: XenPS stopped watching, but xl migrate goes on on xl-a.", entry.Message);
        }

        [Fact]
        public void NoLineHoldsAPasswordAPassphraseOrAKeyPath()
        {
            var journal = new MigrationJournal(JournalPath);
            var request = new MigrationRequest(
                Session("xl-a", password: Password, keyFile: KeyFile, passphrase: Passphrase),
                Session("xl-b", password: Password + "-b", keyFile: KeyFile + "_b"),
                "tiny")
            {
                SshCommand = $"ssh -i {SshCommandKey} -p 2222",
            };
            var everything = $"{Password} {Passphrase} {KeyFile} {Password}-b {KeyFile}_b {SshCommandKey}";
            request.Target = Target();
            request.Target.Reason = "tried with " + everything;
            var recorder = new MigrationJournalRecorder(journal);

            Assert.Null(recorder.Ended(recorder.Start(request, out _), request, Result(request, MigrationStatus.Failed, "ssh said: " + everything)));
            Assert.Null(recorder.Failed(recorder.Start(request, out _), request,
                new XenSessionException(XenSessionErrorId.AuthenticationFailed, "Authentication failed (tried: key " + everything + ")"), commandStarted: true));

            var text = File.ReadAllText(JournalPath);
            foreach (var secret in new[] { Password, Passphrase, KeyFile, SshCommandKey, "xen_migration_key", "Hunter2", "Correct-Horse" })
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
            Assert.Contains("[secret]", text);
            Assert.DoesNotContain("2222", text);
            var history = Read(JournalPath);
            Assert.Empty(history.Problems);
            Assert.All(history.Entries, e => Assert.Equal(("tiny", "xl-a", "xl-b"), (e.Domain, e.Source, e.Destination)));
        }

        [Fact]
        public void ALongMessageIsShortenedAndTheLineStaysSmall()
        {
            var journal = new MigrationJournal(JournalPath);
            var request = Request(new string('d', 5000));
            var output = string.Join("\n", Enumerable.Range(0, 10000).Select(i => $"xc: error: line {i}")) + "\nWhat to do next: restore the guest.";

            Journal(journal, request, r => Result(r, MigrationStatus.Failed, output));

            Assert.All(File.ReadAllLines(JournalPath), line => Assert.True(Encoding.UTF8.GetByteCount(line) < 4096, $"{line.Length} characters"));
            var entry = Assert.Single(Read(JournalPath).Entries);
            Assert.InRange(entry.Message!.Length, 900, MigrationJournalRecorder.MaxMessage);
            Assert.StartsWith("xc: error: line 0\n", entry.Message);
            Assert.EndsWith("What to do next: restore the guest.", entry.Message);
            Assert.Contains("characters left out", entry.Message);
        }

        [Fact]
        public void TextThatJsonMustEscapeReadsBackExactly()
        {
            var journal = new MigrationJournal(JournalPath);
            var name = "we\"ird\\ \u001b[31mname\n\u00e9\u2028";
            Journal(journal, Request(name), r => Result(r, MigrationStatus.Failed, "line one\r\nline \"two\"\t\ud83d\ude00 lone \ud800 end"));

            Assert.Equal(2, File.ReadAllLines(JournalPath).Length);
            var entry = Assert.Single(Read(JournalPath).Entries);
            Assert.Equal(name, entry.Domain);
            Assert.Equal("line one\r\nline \"two\"\t\ud83d\ude00 lone \ufffd end", entry.Message);
        }

        [Fact]
        public void TheDefaultPathIsXenPSInTheUsersDataFolderAndFollowsXdgDataHome()
        {
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            Assert.Equal(Path.Combine(local, "XenPS", "migrations.jsonl"), MigrationJournal.DefaultPath);
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;

            var before = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            try
            {
                var data = Path.Combine(folder.Path, "not-there-yet");
                Environment.SetEnvironmentVariable("XDG_DATA_HOME", data);
                Assert.Equal(Path.Combine(data, "XenPS", "migrations.jsonl"), MigrationJournal.DefaultPath);
                Assert.Null(MigrationJournal.ForCurrentUser().TryAppend("{}"));
                Assert.True(File.Exists(Path.Combine(data, "XenPS", "migrations.jsonl")));
            }
            finally
            {
                Environment.SetEnvironmentVariable("XDG_DATA_HOME", before);
            }
        }
    }
}
