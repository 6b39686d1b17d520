using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;
using XenPS.Core.Remote;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Migration
{
    public sealed class RemoteMigrationJobTests : IDisposable
    {
        private readonly string folder = Directory.CreateTempSubdirectory("xenps-job-").FullName;
        private readonly LocalShell shell = new LocalShell();

        public void Dispose() => Directory.Delete(folder, recursive: true);

        [Fact]
        public async Task RunsTheCommandDetachedAndReportsItsOutputAndExitCode()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);

            await job.StartAsync(shell, new[] { "sh", "-c", "echo 'xc: progress: 50%'; echo 'Error: it broke' >&2; exit 3" }, "test", CancellationToken.None);
            var poll = await PollUntilDoneAsync(job);

            Assert.Equal(3, poll.ExitCode);
            Assert.Contains("xc: progress: 50%", poll.NewOutput);
            Assert.Contains("Error: it broke", poll.NewOutput);
        }

        [Fact]
        public async Task TheLogHoldsTheShellsReportOfACommandKilledByASignal()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);

            await job.StartAsync(shell, new[] { "sh", "-c", "echo 'malloc(): corrupted top size' >&2; kill -ABRT $$" }, "test", CancellationToken.None);
            var poll = await PollUntilDoneAsync(job);

            Assert.Equal(134, poll.ExitCode);
            Assert.Equal("malloc(): corrupted top size Aborted", MigrationOutput.FailureText(poll.NewOutput));
        }

        [Fact]
        public async Task RefusesASecondJobForTheSameDomainWhileTheFirstRuns()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);
            await job.StartAsync(shell, new[] { "sleep", "3" }, "the first one", CancellationToken.None);

            var error = await Assert.ThrowsAsync<XenSessionException>(
                () => new RemoteMigrationJob("com-xp1", folder).StartAsync(shell, new[] { "true" }, "the second one", CancellationToken.None));

            Assert.Equal(XenSessionErrorId.MigrationInProgress, error.ErrorId);
            Assert.Contains("the first one", error.Message);
            await new RemoteMigrationJob("web01", folder).StartAsync(shell, new[] { "true" }, "another domain", CancellationToken.None);
        }

        [Fact]
        public async Task TakesOverTheFolderOfAFinishedJobAndReleaseFreesTheLock()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);
            await job.StartAsync(shell, new[] { "true" }, "first", CancellationToken.None);
            await PollUntilDoneAsync(job);

            await job.StartAsync(shell, new[] { "echo", "second" }, "second", CancellationToken.None);
            var poll = await PollUntilDoneAsync(job);
            Assert.Equal("second\n", poll.NewOutput);

            await job.ReleaseAsync(shell, CancellationToken.None);
            Assert.True((await job.PollAsync(shell, 0, CancellationToken.None)).Gone);
        }

        [Fact]
        public async Task ANameThatLooksLikeShellStaysOneArgument()
        {
            var hostile = "x'; touch " + Path.Combine(folder, "pwned") + "; '";
            var job = new RemoteMigrationJob(hostile, folder);

            await job.StartAsync(shell, new[] { "printf", "%s", hostile }, hostile, CancellationToken.None);
            var poll = await PollUntilDoneAsync(job);

            Assert.Equal(hostile, poll.NewOutput);
            Assert.False(File.Exists(Path.Combine(folder, "pwned")));
        }

        [Fact]
        public async Task AJobWhoseShellWasKilledRunsOnWhileItsCommandDoesThenEndsWithoutExitCodeAndItsLockIsTakenOver()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);
            var release = Path.Combine(folder, "release");
            await job.StartAsync(shell, new[] { "sh", "-c", "echo sending; while [ ! -e \"$0\" ]; do sleep 0.1; done; echo sent", release }, "the killed one", CancellationToken.None);
            var session = await ReadSessionAsync(job);

            await shell.RunAsync($"kill -KILL {session}", new RemoteRunOptions(), CancellationToken.None);
            var whileCommandRuns = await job.PollAsync(shell, 0, CancellationToken.None);
            var refused = await Assert.ThrowsAsync<XenSessionException>(
                () => new RemoteMigrationJob("com-xp1", folder).StartAsync(shell, new[] { "true" }, "too early", CancellationToken.None));
            File.WriteAllText(release, "");
            var ended = await PollUntilAsync(job, poll => poll.Ended);

            Assert.False(whileCommandRuns.Ended);
            Assert.Null(whileCommandRuns.ExitCode);
            Assert.Equal(XenSessionErrorId.MigrationInProgress, refused.ErrorId);
            Assert.Contains($"The lock is {job.JobFolder} on {shell.ComputerName}, held by the processes of session {session}; XenPS takes it over by itself once none of them runs ('pgrep -s {session}' prints nothing).", refused.Message);
            Assert.Null(ended.ExitCode);
            Assert.Equal("sending\nsent\n", ended.NewOutput);
            await job.StartAsync(shell, new[] { "echo", "next" }, "the next one", CancellationToken.None);
            Assert.Equal("next\n", (await PollUntilDoneAsync(job)).NewOutput);
        }

        [Fact]
        public async Task ALockWithoutASessionRecordSaysWhereItIsAndHowToClearIt()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);
            Directory.CreateDirectory(job.JobFolder);
            File.WriteAllText(Path.Combine(job.JobFolder, "owner"), "an older XenPS\n");

            var refused = await Assert.ThrowsAsync<XenSessionException>(() => job.StartAsync(shell, new[] { "true" }, "new", CancellationToken.None));

            Assert.Contains("(an older XenPS)", refused.Message);
            Assert.Contains($"The lock is {job.JobFolder} on {shell.ComputerName}; once no migration of com-xp1 runs there ('ps -ef | grep migrate'), remove it with 'rm -rf -- {job.JobFolder}'.", refused.Message);
        }

        [Fact]
        public async Task OutputWithoutEndIsReadInBoundedStepsWhileTheJobRuns()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);
            var release = Path.Combine(folder, "release");
            await job.StartAsync(shell, new[] { "sh", "-c", "yes xc: progress | head -c 1000000; while [ ! -e \"$0\" ]; do sleep 0.1; done", release }, "test", CancellationToken.None);
            await WaitForLogSizeAsync(job, 1000000);

            var first = await job.PollAsync(shell, 0, CancellationToken.None);
            var second = await job.PollAsync(shell, first.NewOutput.Length, CancellationToken.None);
            File.WriteAllText(release, "");
            await PollUntilDoneAsync(job);

            Assert.Null(first.ExitCode);
            Assert.Equal(RemoteMigrationJob.PollChunk, first.NewOutput.Length);
            Assert.Equal(RemoteMigrationJob.PollChunk, second.NewOutput.Length);
            Assert.StartsWith("xc: progress\n", first.NewOutput);
        }

        [Fact]
        public async Task AnEndedJobsPollGivesTheEndOfItsOutputWhereItsLastWordsAre()
        {
            var job = new RemoteMigrationJob("com-xp1", folder);

            await job.StartAsync(shell, new[] { "sh", "-c", "yes xc: progress | head -c 1000000; echo 'Error: the last words'; exit 1" }, "test", CancellationToken.None);
            for (var i = 0; i < 600 && !File.Exists(Path.Combine(job.JobFolder, "rc")); i++) await Task.Delay(100);
            var poll = await job.PollAsync(shell, 0, CancellationToken.None);

            Assert.Equal(1, poll.ExitCode);
            Assert.Equal(RemoteMigrationJob.PollChunk, poll.NewOutput.Length);
            Assert.EndsWith("Error: the last words\n", poll.NewOutput);
        }

        /// <summary>Waits until the job's log has <paramref name="bytes"/> bytes.</summary>
        private static async Task WaitForLogSizeAsync(RemoteMigrationJob job, long bytes)
        {
            var log = Path.Combine(job.JobFolder, "log");
            for (var i = 0; i < 600 && !(File.Exists(log) && new FileInfo(log).Length >= bytes); i++) await Task.Delay(100);
        }

        [Theory]
        [InlineData("127.0.0.1", true)]
        [InlineData("no-such-host.invalid", false)]
        [InlineData("-h", false)]
        public async Task CountsTheBytesSentTowardsATargetThatRoutes(string target, bool counted)
        {
            var job = new RemoteMigrationJob("com-xp1", folder) { Target = target };
            await job.StartAsync(shell, new[] { "sleep", "3" }, "test", CancellationToken.None);

            var poll = await job.PollAsync(shell, 0, CancellationToken.None);

            Assert.Null(poll.ExitCode);
            Assert.Equal(counted, poll.SentBytes >= 0);
            Assert.Equal(counted ? "lo\n" : null, File.Exists(Path.Combine(job.JobFolder, "dev")) ? File.ReadAllText(Path.Combine(job.JobFolder, "dev")) : null);
        }

        [Theory]
        [InlineData("running 1048576\n", 1048576L)]
        [InlineData("running\n", null)]
        [InlineData("running x\n", null)]
        public void ReadsTheSentBytesOfARunningJob(string stdout, long? sent) => Assert.Equal(sent, RemoteMigrationJob.ParsePoll(stdout).SentBytes);

        [Theory]
        [InlineData("running\nsome output\n", false, null, "some output\n")]
        [InlineData("rc:0\n", false, 0, "")]
        [InlineData("rc:1\nError: can't connect\n", false, 1, "Error: can't connect\n")]
        [InlineData("gone\n", true, null, "")]
        [InlineData("ended\nlast words\n", false, null, "last words\n")]
        public void ReadsAPoll(string stdout, bool gone, int? exitCode, string output)
        {
            var poll = RemoteMigrationJob.ParsePoll(stdout);

            Assert.Equal(gone, poll.Gone);
            Assert.Equal(stdout.StartsWith("ended", StringComparison.Ordinal), poll.Ended);
            Assert.Equal(exitCode, poll.ExitCode);
            Assert.Equal(output, poll.NewOutput);
        }

        private Task<MigrationPoll> PollUntilDoneAsync(RemoteMigrationJob job) => PollUntilAsync(job, poll => poll.ExitCode is not null);

        /// <summary>Polls until <paramref name="done"/> holds; the returned poll carries all output since the start.</summary>
        private async Task<MigrationPoll> PollUntilAsync(RemoteMigrationJob job, Func<MigrationPoll, bool> done)
        {
            var output = "";
            for (var i = 0; i < 600; i++)
            {
                var poll = await job.PollAsync(shell, System.Text.Encoding.UTF8.GetByteCount(output), CancellationToken.None);
                output += poll.NewOutput;
                if (done(poll)) return new MigrationPoll(false, poll.ExitCode, output, poll.Ended);
                await Task.Delay(100);
            }
            throw new TimeoutException("The job did not end.");
        }

        /// <summary>The session id the job's shell recorded, once it has.</summary>
        private async Task<string> ReadSessionAsync(RemoteMigrationJob job)
        {
            var path = Path.Combine(job.JobFolder, "pid");
            for (var i = 0; i < 600 && !File.Exists(path); i++) await Task.Delay(100);
            return File.ReadAllText(path).Trim();
        }
    }
}
