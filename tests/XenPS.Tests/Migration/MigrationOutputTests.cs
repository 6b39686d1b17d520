using XenPS.Core.Migration;
using XenPS.Core.Model;
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

        [Fact]
        public void QuotesXmsErrorLines()
        {
            Assert.Equal("Error: can't connect: (111, 'Connection refused')",
                MigrationOutput.FailureText("Error: can't connect: (111, 'Connection refused')\nUsage: xm migrate <Domain> <Host>\n"));
        }

        [Fact]
        public void QuotesXlsFailureLinesFromTheRealTranscript()
        {
            var text = MigrationOutput.FailureText(ReferenceSamples.Read("xl-migrate-error.xen-4.17-pv-logdirty-suspend-failed.txt"));

            Assert.Contains("Migration failed, failed to suspend at sender.", text);
        }

        [Fact]
        public void KeepsTheRootCauseOfAKilledReceiverAndDropsTheHandshake()
        {
            var text = MigrationOutput.FailureText(ReferenceSamples.Read("xl-migrate-error.xen-4.17.5-pv-receiver-killed.txt"));

            Assert.Contains("died due to fatal signal Broken pipe", text);
            Assert.Contains("migration sender: libxl_domain_suspend failed (rc=-3)", text);
            Assert.Contains("Migration failed, resuming at sender.", text);
            Assert.DoesNotContain("Ready to receive domain", text);
            Assert.DoesNotContain("xc: info", text);
        }

        [Theory]
        [InlineData("migration target: Ready to receive domain.\nssh_dispatch_run_fatal: Connection to 198.18.1.2 port 22: incorrect signature\n", "ssh_dispatch_run_fatal: Connection to 198.18.1.2 port 22: incorrect signature")]
        [InlineData("malloc(): corrupted top size\nAborted\n(exit code 134)", "malloc(): corrupted top size Aborted (exit code 134)")]
        [InlineData("migration target: Ready to receive domain.\nDomain with name \"tiny--incoming\" already exists.\n", "Domain with name \"tiny--incoming\" already exists.")]
        [InlineData("xc: progress: Reloading memory pages: 26624/524288    5%\n", "")]
        public void EveryLineThatIsNotChatterStays(string output, string expected)
        {
            Assert.Equal(expected, MigrationOutput.FailureText(output));
        }

        [Fact]
        public void RecognisesTheUndefinedStateBlock()
        {
            Assert.True(MigrationOutput.StateUndefined("** Migration failed during final handshake **\nDomain state is now undefined !\n"));
            Assert.False(MigrationOutput.StateUndefined(ReferenceSamples.Read("xl-migrate.xen-4.4-snow-success.txt")));
        }

        [Theory]
        [InlineData("Migration successful.\n", "destination", true, MigrationStatus.Succeeded)]
        [InlineData("Error: Not enough free memory\n(exit code 1)", "source", false, MigrationStatus.Failed)]
        [InlineData("(exit code 1)", "both", false, MigrationStatus.Unknown)]
        [InlineData("(exit code 1)", "neither", false, MigrationStatus.Unknown)]
        [InlineData("Migration successful.\n", "unknown", false, MigrationStatus.Unknown)]
        [InlineData("Domain state is now undefined !\n(exit code 1)", "source", false, MigrationStatus.Unknown)]
        public void JudgesByTheToolstackAndWhereTheDomainIs(string output, string location, bool verified, MigrationStatus expected)
        {
            var result = new MigrationResult { Domain = "com-xp1", Source = "dom0-a", Destination = "dom0-b", DomainLocation = location, VerifiedOnDestination = verified };

            MigrationOrchestrator.Judge(result, output);

            Assert.Equal(expected, result.Status);
            if (expected != MigrationStatus.Succeeded) Assert.False(string.IsNullOrEmpty(result.Error));
        }

        [Fact]
        public void AnUnreadableOutputIsNeverASuccess()
        {
            var result = new MigrationResult { Domain = "com-xp1", DomainLocation = "destination", VerifiedOnDestination = true };

            MigrationOrchestrator.Judge(result, null);

            Assert.Equal(MigrationStatus.Unknown, result.Status);
        }
    }
}
