using System.Linq;
using XenPS.Core.Migration;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class MigrationOutputTests
    {
        [Fact]
        public void TakesTheLastLibxcPercentageOfTheRealTranscript()
        {
            var lines = ReferenceSamples.Read("xl-migrate.xen-4.4-snow-success.txt").Split('\n');

            Assert.Equal(100, MigrationOutput.LastPercent(lines));
            Assert.Equal(35, MigrationOutput.LastPercent(lines[..12]));
            Assert.Null(MigrationOutput.LastPercent(lines[..4]));
        }

        [Theory]
        [InlineData("xc: progress: Reloading memory pages: 524482/524288  99999999999999999999%", 100)]
        [InlineData("xc: progress: Reloading memory pages: 26624/524288  \u0663%", null)]
        public void AProgressNumberBeyondIntOrInOtherDigitsDoesNotFail(string line, int? percent)
        {
            Assert.Equal(percent, MigrationOutput.LastPercent(new[] { "migration target: Ready to receive domain.", line }));
        }

        [Fact]
        public void QuotesXmsErrorLines()
        {
            Assert.Equal("Error: can't connect: (111, 'Connection refused')",
                MigrationOutput.FailureText("Error: can't connect: (111, 'Connection refused')\nUsage: xm migrate <Domain> <Host>\n"));
        }

        [Fact]
        public void KeepsEveryErrorOfTheSuspendFailureAndTheTransportsExitStatus()
        {
            var lines = MigrationOutput.FailureLines(ReferenceSamples.Read("xl-migrate-error.xen-4.17-pv-logdirty-suspend-failed.txt"));

            Assert.Equal("xc: error: Failed to enable logdirty: 95,22,0 (22 = Invalid argument): Internal error", lines[0]);
            Assert.Contains("migration sender: libxl_domain_suspend failed (rc=-8)", lines);
            Assert.Contains("migration target: Domain creation failed (code -3).", lines);
            Assert.Contains(lines, l => l.EndsWith("migration transport process [544] exited with error status 1", System.StringComparison.Ordinal));
            Assert.Equal("Migration failed, failed to suspend at sender.", lines[^1]);
            Assert.Equal(14, lines.Count);
        }

        [Fact]
        public void KeepsTheRootCauseOfAKilledReceiverAndDropsTheHandshake()
        {
            var lines = MigrationOutput.FailureLines(ReferenceSamples.Read("xl-migrate-error.xen-4.17.5-pv-receiver-killed.txt"));

            Assert.Equal(new[]
            {
                "libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated reading ipc msg header from domain 2 save/restore helper stdout pipe",
                "libxl: error: libxl_exec.c:127:libxl_report_child_exitstatus: domain 2 save/restore helper [1018] died due to fatal signal Broken pipe",
                "migration sender: libxl_domain_suspend failed (rc=-3)",
                "libxl: info: libxl_exec.c:117:libxl_report_child_exitstatus: migration transport process [1017] exited with error status 255",
                "Migration failed, resuming at sender.",
                "xc: error: Dom 2 not suspended: (shutdown 0, reason 255): Internal error",
                "libxl: error: libxl_dom_suspend.c:666:domain_resume_done: Domain 2:xc_domain_resume failed: Invalid argument",
            }, lines);
        }

        [Theory]
        [MemberData(nameof(SuccessCaptures))]
        public void ASuccessfulTranscriptHasNothingToExplain(string capture, string[] expected)
        {
            Assert.Equal(expected, MigrationOutput.FailureLines(ReferenceSamples.Read(capture)));
        }

        public static TheoryData<string, string[]> SuccessCaptures => new TheoryData<string, string[]>
        {
            { "xl-migrate.xen-4.17.5-pv-success-vvv.txt", new string[0] },
            { "xl-migrate.xen-4.4-snow-success.txt", new[] { "[4287] snow01:~ $ xl migrate deploy01 snow02" } },
        };

        [Fact]
        public void EveryMigrateCaptureIsCovered()
        {
            var covered = new[]
            {
                "xl-migrate-error.xen-4.17-pv-logdirty-suspend-failed.txt", "xl-migrate-error.xen-4.17.5-pv-receiver-killed.txt",
                "xl-migrate.xen-4.17.5-pv-success-vvv.txt", "xl-migrate.xen-4.4-snow-success.txt",
            };

            Assert.Equal(covered, ReferenceSamples.Names("xl-migrate*").Concat(ReferenceSamples.Names("xm-migrate*")));
        }

        [Theory]
        [InlineData("migration target: Ready to receive domain.\nssh_dispatch_run_fatal: Connection to 198.18.1.2 port 22: incorrect signature\n", "ssh_dispatch_run_fatal: Connection to 198.18.1.2 port 22: incorrect signature")]
        [InlineData("xc: info: Saving domain 2, type x86 PV\nmalloc(): corrupted top size\nAborted\n", "malloc(): corrupted top size Aborted")]
        [InlineData("migration target: Ready to receive domain.\nlibxl: error: libxl_domain.c:389:libxl__domain_rename: Domain 6:Domain with name \"tiny--incoming\" already exists.\nmigration target: Domain creation failed (code -3).\n",
            "libxl: error: libxl_domain.c:389:libxl__domain_rename: Domain 6:Domain with name \"tiny--incoming\" already exists. migration target: Domain creation failed (code -3).")]
        [InlineData("Saving memory: iter 1   12%\nError: /usr/lib/xen/bin/xc_save 23 1 0 0 1 failed\n", "Error: /usr/lib/xen/bin/xc_save 23 1 0 0 1 failed")]
        [InlineData("xc: progress: Reloading memory pages: 26624/524288    5%\ndomainbuilder: detail: xc_dom_set_gnttab_entry: d3\n", "")]
        public void EveryLineThatIsNotChatterStays(string output, string expected)
        {
            Assert.Equal(expected, MigrationOutput.FailureText(output));
        }

        [Fact]
        public void KeepsTheFirstAndLastLinesOfAVeryLongFailure()
        {
            var output = string.Join("\n", Enumerable.Range(1, 50).Select(i => $"xc: error: line {i}"));

            var lines = MigrationOutput.FailureLines(output);

            Assert.Equal(MigrationOutput.MaxFailureLines + 1, lines.Count);
            Assert.Equal("xc: error: line 1", lines[0]);
            Assert.Equal("[20 more lines]", lines[20]);
            Assert.Equal("xc: error: line 50", lines[^1]);
        }

        [Theory]
        [InlineData(1, "xl migrate exited with status 1.")]
        [InlineData(255, "xl migrate exited with status 255.")]
        [InlineData(134, "xl migrate was killed by SIGABRT (exit status 134).")]
        [InlineData(137, "xl migrate was killed by SIGKILL (exit status 137).")]
        [InlineData(143, "xl migrate was killed by SIGTERM (exit status 143).")]
        [InlineData(162, "xl migrate was killed by signal 34 (exit status 162).")]
        public void NamesTheSignalThatKilledTheCommand(int status, string expected)
        {
            Assert.Equal(expected, MigrationOutput.ExitText("xl migrate", status));
        }

        [Fact]
        public void RecognisesTheUndefinedStateBlock()
        {
            Assert.True(MigrationOutput.StateUndefined("** Migration failed during final handshake **\nDomain state is now undefined !\n"));
            Assert.False(MigrationOutput.StateUndefined(ReferenceSamples.Read("xl-migrate.xen-4.4-snow-success.txt")));
        }
    }
}
