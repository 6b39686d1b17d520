using System.Linq;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Parsing;
using XenPS.Core.Toolstacks;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class IncomingCopiesTests
    {
        private static XenDomain StaleIncoming() =>
            XlDomainParser.Parse(ReferenceSamples.Read("xl-list.xen-4.17.5-stale-incoming-after-failed-migration.txt"), "", "xen-b").Single(d => d.Name == "tiny--incoming");

        [Fact]
        public void ReadsXlReceiversAndXendsRestoreHelpersAndNothingThatMerelyMentionsThem()
        {
            var stdout = string.Join("\n",
                "xl\u001fmigrate-receive",
                "/usr/bin/python3\u001f-S\u001f/opt/XenLab/xensim\u001fxl\u001f-v\u001fmigrate-receive\u001f-e",
                "/usr/lib/xen/bin/xc_restore\u001f23\u001f5\u001f1\u001f2\u001f0\u001f0\u001f0\u001f0",
                "bash\u001f-c\u001fgrep -las -e migrate-receive -e xc_restore /proc/[0-9]*/cmdline",
                "grep\u001f-las\u001f-e\u001fmigrate-receive\u001f-e\u001fxc_restore",
                "");

            var receivers = IncomingCopies.ParseReceivers(stdout);

            Assert.Equal(new[] { (true, (int?)null), (true, null), (false, 5) }, receivers.Select(r => (r.IsXl, r.DomainId)));
        }

        [Fact]
        public void TheRealStaleIncomingIsALeftoverWhenNoReceiverRuns()
        {
            var copy = StaleIncoming();

            Assert.True(IncomingCopies.IsIncomingCopy(copy));
            Assert.Equal(IncomingCopyState.Stale, IncomingCopies.Classify(copy, IncomingCopies.ParseReceivers("")));
            Assert.Equal("xl destroy tiny--incoming", Toolstack.Xl.Implementation().Destroy(copy.Name));
        }

        [Fact]
        public void AnyXlReceiverMayBeBuildingIt()
        {
            Assert.Equal(IncomingCopyState.InProgress, IncomingCopies.Classify(StaleIncoming(), IncomingCopies.ParseReceivers("xl\u001fmigrate-receive\n")));
        }

        [Fact]
        public void XendsRestoreHelperCoversItsOwnDomainOnly()
        {
            var copy = new XenDomain { Name = "migrating-com-xp1", Id = 4, StateFlags = "--p---", VCpus = 0, Toolstack = Toolstack.Xm };

            Assert.Equal(IncomingCopyState.InProgress, IncomingCopies.Classify(copy, IncomingCopies.ParseReceivers("xc_restore\u001f23\u001f4\n")));
            Assert.Equal(IncomingCopyState.Stale, IncomingCopies.Classify(copy, IncomingCopies.ParseReceivers("xc_restore\u001f23\u001f9\n")));
            Assert.Equal("xm destroy migrating-com-xp1", Toolstack.Xm.Implementation().Destroy(copy.Name));
        }

        [Theory]
        [InlineData(Toolstack.Xl, "-x--incoming", "xl destroy -- -x--incoming")]
        [InlineData(Toolstack.Xl, "--help--incoming", "xl destroy -- --help--incoming")]
        [InlineData(Toolstack.Xl, "web 1--incoming", "xl destroy 'web 1--incoming'")]
        [InlineData(Toolstack.Xl, "it's--incoming", "xl destroy 'it'\\''s--incoming'")]
        [InlineData(Toolstack.Xl, "-$(id)--incoming", "xl destroy -- '-$(id)--incoming'")]
        [InlineData(Toolstack.Xm, "migrating-a;b", "xm destroy 'migrating-a;b'")]
        [InlineData(Toolstack.Xm, "migrating--x", "xm destroy migrating--x")]
        public void TheCommandAUserTypesKeepsTheNameOneWordAndNoOption(Toolstack toolstack, string name, string expected)
        {
            Assert.Equal(expected, toolstack.Implementation().Destroy(name));
        }

        [Theory]
        [InlineData("--p---", 1)]
        [InlineData("-b----", 0)]
        [InlineData("r-----", 1)]
        public void ACopyThatRunsOrHasVCpusIsNeverALeftover(string flags, int vcpus)
        {
            var copy = new XenDomain { Name = "tiny--incoming", Id = 5, StateFlags = flags, VCpus = vcpus };

            Assert.Equal(IncomingCopyState.Unclear, IncomingCopies.Classify(copy, IncomingCopies.ParseReceivers("")));
        }

        [Fact]
        public void UnknownProcessesMakeEveryCopyUnclear()
        {
            Assert.Equal(IncomingCopyState.Unclear, IncomingCopies.Classify(StaleIncoming(), null));
        }

        [Fact]
        public void TheSendersMigratedAwayCopyIsNotAnIncomingOne()
        {
            Assert.False(IncomingCopies.IsIncomingCopy(new XenDomain { Name = "tiny--migratedaway" }));
            Assert.False(IncomingCopies.IsIncomingCopy(new XenDomain { Name = "tiny" }));
            Assert.True(IncomingCopies.IsIncomingCopy(new XenDomain { Name = "migrating-com-xp1" }));
        }

        [Fact]
        public void ReadsARealDestinationWhoseLongListLeavesTheStaleCopyOutAndComplainsOnStderr()
        {
            var capture = ReferenceSamples.Read("xl-list-l.xen-4.17.5-stale-incoming-stderr-and-json.txt");
            var newline = capture.IndexOf('\n');
            var sections = new System.Collections.Generic.Dictionary<string, RemoteResult>
            {
                ["list"] = new RemoteResult(0, ReferenceSamples.Read("xl-list.xen-4.17.5-stale-incoming-after-failed-migration.txt"), ""),
                ["long"] = new RemoteResult(0, capture.Substring(newline + 1), capture.Substring(0, newline + 1)),
                ["receivers"] = new RemoteResult(0, "", ""),
            };
            var view = new HostView("xen-b", Toolstack.Xl, "4.17.5");

            view.Read(sections, "tiny");

            Assert.Null(view.Error);
            var copy = Assert.Single(view.Entries!);
            Assert.Equal(("tiny--incoming", 5, 0, "--p---"), (copy.Name, copy.Id, copy.VCpus, copy.StateFlags));
            Assert.Equal(GuestState.Migrating, view.StateOf("tiny"));
            Assert.Equal(IncomingCopyState.Stale, IncomingCopies.Classify(copy, view.Receivers));
        }
    }
}
