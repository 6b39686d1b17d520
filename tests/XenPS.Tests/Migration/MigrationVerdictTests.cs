using System.Linq;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class MigrationVerdictTests
    {
        private const string Header = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";
        private const string Dom0 = "Domain-0                                     0  1024     2     r-----     504.5\n";
        private const string XlReceiver = "/usr/bin/python3\u001f/usr/lib/xensim\u001fxl\u001fmigrate-receive";

        private static HostView View(string host, Toolstack toolstack, string version, string guest, string? list, string receivers = "")
        {
            var view = new HostView(host, toolstack, version);
            if (list is null)
            {
                view.Error = $"'xm list --long' failed on {host} (exit code 1): Error: Unable to connect to xend: No such file or directory. Is xend running?";
                return view;
            }
            view.Entries = XlDomainParser.Parse(list.StartsWith("Name") ? list : Header + Dom0 + list, "", host).Where(d => d.GuestName == guest).ToList();
            view.Receivers = IncomingCopies.ParseReceivers(receivers);
            return view;
        }

        private static HostView XlA(string rows, string version = "4.17.5") => View("xen-a", Toolstack.Xl, version, "tiny", rows);

        private static HostView XlB(string rows, string receivers = "") => View("xen-b", Toolstack.Xl, "4.17.5", "tiny", rows, receivers);

        private static MigrationResult Judge(HostView source, HostView destination, MigrationRun run, XenDomainState before = XenDomainState.Blocked)
        {
            var result = new MigrationResult { Domain = source.Toolstack == Toolstack.Xl ? "tiny" : "com-xp1", Source = source.ComputerName, Destination = destination.ComputerName };
            MigrationVerdict.Judge(result, run, source, destination, before);
            return result;
        }

        private static MigrationRun Xl(string output, int status) => new MigrationRun { Command = "xl migrate", Output = output, ExitStatus = status, LogPath = "/var/run/xenps/migrate-x/log" };

        private static string Row(string name, int id, int vcpus, string flags) => $"{name,-40} {id,5} {36,5} {vcpus,5}     {flags}       0.0\n";

        [Fact]
        public void SucceedsWhenTheToolstackSaysSoAndTheGuestIsOnTheDestinationOnly()
        {
            var result = Judge(XlA(""), XlB(Row("tiny", 7, 1, "-b----")), Xl("Migration successful.\n", 0));

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal((GuestState.Absent, GuestState.Blocked), (result.SourceState, result.DestinationState));
            Assert.True(result.VerifiedOnDestination);
            Assert.Null(result.Error);
        }

        [Fact]
        public void AKilledReceiverFailsWithTheGuestRunningOnTheSourceAndReportsTheLeftover()
        {
            var destination = XlB(ReferenceSamples.Read("xl-list.xen-4.17.5-stale-incoming-after-failed-migration.txt"));
            var output = ReferenceSamples.Read("xl-migrate-error.xen-4.17.5-pv-receiver-killed.txt");

            var result = Judge(XlA(Row("tiny", 2, 1, "-b----")), destination, Xl(output, 1));

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal((GuestState.Blocked, GuestState.Migrating), (result.SourceState, result.DestinationState));
            Assert.Equal("tiny--incoming", result.Leftover);
            Assert.Equal(DomainLocation.Source, result.DomainLocation);
            Assert.StartsWith("libxl: error: libxl_utils.c:505:libxl_read_exactly: file/stream truncated", result.Error);
            Assert.Contains("died due to fatal signal Broken pipe", result.Error);
            Assert.Contains("xl migrate exited with status 1. tiny runs on xen-a, as before; xen-b holds tiny--incoming, a leftover of a failed migration " +
                "(paused (--p---), 0 vCPU(s), and no receive process runs for it): remove it with 'xl destroy tiny--incoming' on xen-b, or give Move-XenDomain -RemoveLeftover.", result.Error);
            Assert.DoesNotContain("Ready to receive", result.Error);
        }

        [Fact]
        public void ACrashedSenderLeavesTheGuestSuspendedOnTheSourceAndRunningNowhere()
        {
            var destination = XlB(Row("tiny--incoming", 5, 0, "--p---"));

            var result = Judge(XlA(Row("tiny", 2, 1, "---ss-")), destination, Xl("malloc(): corrupted top size\nAborted\n", 134));

            Assert.Equal(MigrationStatus.Unknown, result.Status);
            Assert.Equal((GuestState.Suspended, GuestState.Migrating), (result.SourceState, result.DestinationState));
            Assert.Equal("tiny--incoming", result.Leftover);
            Assert.StartsWith("malloc(): corrupted top size Aborted xl migrate was killed by SIGABRT (exit status 134). Now tiny is suspended on xen-a (---ss-); xen-b holds tiny--incoming", result.Error);
            Assert.Contains("tiny is suspended on xen-a and runs nowhere: xl 4.17.5 has no command that resumes it ('xl resume' came with Xen 4.18)", result.Error);
        }

        [Fact]
        public void NamesXlResumeWhereXlHasIt()
        {
            var result = Judge(XlA(Row("tiny", 2, 1, "---ss-"), "4.18.0"), XlB(""), Xl("Aborted\n", 134));

            Assert.Contains("tiny is suspended on xen-a and runs nowhere: resume it with 'xl resume tiny' on xen-a.", result.Error);
        }

        [Fact]
        public void AnIncomingCopyThatIsBeingReceivedIsNeverCalledALeftover()
        {
            var destination = XlB(Row("tiny--incoming", 5, 0, "--p---"), XlReceiver);

            var result = Judge(XlA(Row("tiny", 2, 1, "-b----")), destination, Xl("Migration failed, resuming at sender.\n", 1));

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Null(result.Leftover);
            Assert.Contains("xen-b lists tiny--incoming, which is still being received", result.Error);
            Assert.DoesNotContain("destroy", result.Error);
        }

        [Fact]
        public void ADestinationWhoseXendIsDownLeavesTheGuestIntactOnTheSourceAndSaysWhatToCheck()
        {
            var source = View("dom0-a", Toolstack.Xm, "4.0.1", "com-xp1", Row("com-xp1", 1, 1, "-b----"));
            var destination = View("dom0-b", Toolstack.Xm, "4.0.1", "com-xp1", null);
            var run = new MigrationRun { Command = "xm migrate", Output = "Error: /usr/lib/xen/bin/xc_save 4 1 0 0 1 failed\n", ExitStatus = 1 };

            var result = Judge(source, destination, run);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal((GuestState.Blocked, GuestState.Unknown), (result.SourceState, result.DestinationState));
            Assert.Equal(DomainLocation.Unknown, result.DomainLocation);
            Assert.Equal("Error: /usr/lib/xen/bin/xc_save 4 1 0 0 1 failed xm migrate exited with status 1. com-xp1 runs on dom0-a, as before; dom0-b could not be listed " +
                "('xm list --long' failed on dom0-b (exit code 1): Error: Unable to connect to xend: No such file or directory. Is xend running?): once it answers, look there for com-xp1 " +
                "or an incoming copy of it ('xm list'); if xend is not running there, start it ('xend start').", result.Error);
        }

        [Fact]
        public void ATimeoutIsAMigrationStillInProgressWithHowToFollowIt()
        {
            var source = View("dom0-a", Toolstack.Xm, "4.0.1", "com-xp1", Row("migrating-com-xp1", 1, 1, "-b----"));
            var destination = View("dom0-b", Toolstack.Xm, "4.0.1", "com-xp1", Row("migrating-com-xp1", 4, 0, "--p---"), "/usr/lib/xen/bin/xc_restore\u001f23\u001f4\u001f1\u001f2\u001f0\u001f0\u001f0\u001f0");
            var run = new MigrationRun { Command = "xm migrate", Output = "", TimedOut = true, Timeout = System.TimeSpan.FromSeconds(5), LogPath = "/var/run/xenps/migrate-0123/log" };

            var result = Judge(source, destination, run);

            Assert.Equal(MigrationStatus.Unknown, result.Status);
            Assert.Equal((GuestState.Migrating, GuestState.Migrating), (result.SourceState, result.DestinationState));
            Assert.Null(result.Leftover);
            Assert.StartsWith("com-xp1 is still being migrated: xm migrate has not ended within 5 s and goes on on dom0-a. Now com-xp1 is listed on dom0-a as migrating-com-xp1 (-b----); " +
                "dom0-b lists migrating-com-xp1, which is still being received", result.Error);
            Assert.Contains("Follow it with 'Get-XenDomain -ComputerName dom0-a, dom0-b -Name com-xp1' until com-xp1 runs on dom0-b only, or read its output with 'cat /var/run/xenps/migrate-0123/log' on dom0-a", result.Error);
            Assert.DoesNotContain("neither", result.Error);
        }

        [Theory]
        [InlineData("-b----", "-b----", DomainLocation.Both, "exists on both xen-a and xen-b")]
        [InlineData(null, "-b----", DomainLocation.Destination, "is on xen-b, but xl did not report success")]
        [InlineData(null, null, DomainLocation.Neither, "runs nowhere: check both hosts")]
        [InlineData("--p---", null, DomainLocation.Source, "is paused on xen-a, which it was not before, and runs nowhere: 'xl unpause tiny' on xen-a")]
        [InlineData("---s--", null, DomainLocation.Source, "is shut down on xen-a and runs nowhere")]
        public void AnythingButTheGuestIntactOnTheSourceIsUnknownWithWhatToDo(string? onSource, string? onDestination, DomainLocation location, string advice)
        {
            var source = XlA(onSource is null ? "" : Row("tiny", 2, 1, onSource));
            var destination = XlB(onDestination is null ? "" : Row("tiny", 7, 1, onDestination));

            var result = Judge(source, destination, Xl("Migration failed, resuming at sender.\n", 1));

            Assert.Equal(MigrationStatus.Unknown, result.Status);
            Assert.Equal(location, result.DomainLocation);
            Assert.Contains(advice, result.Error);
        }

        [Fact]
        public void AGuestThatWasPausedBeforeAndStillIsIsIntact()
        {
            var result = Judge(XlA(Row("tiny", 2, 1, "--p---")), XlB(""), Xl("Migration failed, resuming at sender.\n", 1), XenDomainState.Paused);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Contains("tiny is paused on xen-a, as before; xen-b has no copy of it.", result.Error);
        }

        [Fact]
        public void XlsUndefinedStateIsNeverAFailureOrASuccess()
        {
            var result = Judge(XlA(Row("tiny--migratedaway", 2, 1, "---ss-")), XlB(Row("tiny--incoming", 7, 1, "--p---")),
                Xl("** Migration failed during final handshake **\nDomain state is now undefined !\n", 1));

            Assert.Equal(MigrationStatus.Unknown, result.Status);
            Assert.Contains("xl reports that the domain's state is undefined", result.Error);
            Assert.Null(result.Leftover);
        }

        [Fact]
        public void AnUnreadableOutputIsNeverASuccess()
        {
            var result = Judge(XlA(""), XlB(Row("tiny", 7, 1, "-b----")), new MigrationRun { Command = "xl migrate" });

            Assert.Equal(MigrationStatus.Unknown, result.Status);
            Assert.StartsWith("The output of xl migrate could not be read.", result.Error);
        }

        [Fact]
        public void ASourceThatCannotBeListedIsUnknown()
        {
            var source = new HostView("xen-a", Toolstack.Xl, "4.17.5") { Error = "connection lost" };

            var result = Judge(source, XlB(""), Xl("", 1));

            Assert.Equal(MigrationStatus.Unknown, result.Status);
            Assert.Equal(GuestState.Unknown, result.SourceState);
            Assert.Contains("Once xen-a answers, find out where tiny runs", result.Error);
        }

        [Fact]
        public void ACommandWhoseShellWasKilledEndedInAWayThatIsNotKnown()
        {
            var run = new MigrationRun { Command = "xm migrate", Output = "", ShellKilled = true };

            Assert.Equal("How xm migrate ended is not known: the shell that ran it on the source was killed, and it recorded no exit status.", MigrationVerdict.Cause(run));
        }
    }
}
