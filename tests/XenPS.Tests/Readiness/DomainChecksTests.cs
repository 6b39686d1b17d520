using System.Linq;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Readiness;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class DomainChecksTests
    {
        [Fact]
        public void FindPrefersTheExactNameThenTheMigrationName()
        {
            var migrating = new XenDomain { Name = "migrating-com-xp1", Id = 2 };
            var exact = Hosts.ComXp1();

            Assert.Same(exact, XenDomain.Find(new[] { migrating, exact }, "com-xp1"));
            Assert.Same(migrating, XenDomain.Find(new[] { migrating }, "com-xp1"));
            Assert.Null(XenDomain.Find(new[] { exact }, "com-xp2"));
        }

        [Theory]
        [InlineData(XenDomainState.Running, "r-----", ReadinessStatus.Pass)]
        [InlineData(XenDomainState.Blocked, "-b----", ReadinessStatus.Pass)]
        [InlineData(XenDomainState.NoState, "------", ReadinessStatus.Pass)]
        [InlineData(XenDomainState.Paused, "--p---", ReadinessStatus.Fail)]
        [InlineData(XenDomainState.Shutdown, "---s--", ReadinessStatus.Fail)]
        [InlineData(XenDomainState.Crashed, "----c-", ReadinessStatus.Fail)]
        [InlineData(XenDomainState.Dying, "-----d", ReadinessStatus.Fail)]
        public void DomainStateAcceptsRunningAndBlockedDomains(XenDomainState state, string flags, ReadinessStatus expected)
        {
            var domain = Hosts.ComXp1();
            domain.State = state;
            domain.StateFlags = flags;

            var check = DomainChecks.DomainState("com-xp1", Hosts.Xm("dom0-a").With(domain), domain);

            Assert.Equal(expected, check.Status);
        }

        [Fact]
        public void AnUnknownStateIsAWarningThatSaysHowToSeeIt()
        {
            var domain = Hosts.ComXp1();
            domain.State = XenDomainState.Unknown;
            domain.StateFlags = "";

            var check = DomainChecks.DomainState("com-xp1", Hosts.Xm("dom0-a").With(domain), domain);

            Assert.Equal(ReadinessStatus.Warning, check.Status);
            Assert.Equal("com-xp1 on dom0-a (id 1): xm printed no state for it, so XenPS cannot tell whether it runs; xm refuses to migrate a domain that does not.", check.Detail);
            Assert.Equal("'xm list com-xp1' on dom0-a shows its state.", check.Remedy);
        }

        [Fact]
        public void APausedDomainIsAWarningWithXl()
        {
            var domain = Hosts.ComXp1();
            domain.State = XenDomainState.Paused;
            domain.StateFlags = "--p---";

            var check = DomainChecks.DomainState("com-xp1", Hosts.Xl("xl-a"), domain);

            Assert.Equal(ReadinessStatus.Warning, check.Status);
            Assert.Equal("'xl unpause com-xp1' on xl-a if it should run.", check.Remedy);
        }

        [Fact]
        public void AMissingDomainFailsItsStateAndEveryCheckAboutIt()
        {
            var source = Hosts.Xm("dom0-a");

            var state = DomainChecks.DomainState("com-xp2", source, null);
            var pci = DomainChecks.PciPassthrough("com-xp2", source, null);
            var memory = MemoryCheck.Memory("com-xp2", source, null, Hosts.Xm("dom0-b"));

            Assert.Equal(ReadinessStatus.Fail, state.Status);
            Assert.Equal("no domain named com-xp2 on dom0-a", state.Detail);
            Assert.Equal("'Get-XenDomain -ComputerName dom0-a' lists the domains there; give the name it shows.", state.Remedy);
            Assert.Equal("Not checked: no domain named com-xp2 on dom0-a", pci.Detail);
            Assert.Equal("Not checked: no domain named com-xp2 on dom0-a", memory.Detail);
        }

        [Fact]
        public void Dom0AMigratingDomainAndADefinedOnlyDomainFail()
        {
            var source = Hosts.Xm("dom0-a");
            var migrating = new XenDomain { Name = "migrating-com-xp1", Id = 3, State = XenDomainState.Migrating };
            var defined = new XenDomain { Name = "com-xp1", Id = null, State = XenDomainState.NoState };

            var dom0 = DomainChecks.DomainState("Domain-0", source, source.Domains[0]);
            var moving = DomainChecks.DomainState("com-xp1", source, migrating);
            var stopped = DomainChecks.DomainState("com-xp1", source, defined);

            Assert.Equal("Domain-0 is the host's own control domain; it cannot be migrated.", dom0.Detail);
            Assert.Equal("com-xp1 on dom0-a is being migrated already (listed as migrating-com-xp1).", moving.Detail);
            Assert.Equal(ReadinessStatus.Fail, stopped.Status);
            Assert.Contains("defined but not running", stopped.Detail);
        }

        [Fact]
        public void PciPassthroughFailsWithTheDetachCommands()
        {
            var domain = Hosts.ComXp1();
            domain.PciDevices = new[] { "0000:03:00.0", "0000:04:00.1" };

            var check = DomainChecks.PciPassthrough("com-xp1", Hosts.Xm("dom0-a"), domain);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("Detach them first on dom0-a: xm pci-detach com-xp1 0000:03:00.0; xm pci-detach com-xp1 0000:04:00.1.", check.Remedy);
            Assert.Equal(ReadinessStatus.Pass, DomainChecks.PciPassthrough("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1()).Status);
        }

        [Fact]
        public void NameFreeFailsForADomainOfThatName()
        {
            var clash = Hosts.ComXp1();
            clash.Id = 3;

            var free = DomainChecks.NameFree("com-xp1", Hosts.ComXp1(), Hosts.Xm("dom0-b"));
            var taken = DomainChecks.NameFree("com-xp1", Hosts.ComXp1(), Hosts.Xm("dom0-b").With(clash));

            Assert.Equal(ReadinessStatus.Pass, free.Status);
            Assert.Equal("dom0-b already has a domain named com-xp1 (id 3, blocked). Two copies of one guest on shared storage corrupt its disks.", taken.Detail);
            Assert.Contains("'xm destroy com-xp1', and 'xm delete com-xp1' for a managed domain", taken.Remedy);
        }

        [Fact]
        public void NameFreeNamesALeftoverOfAFailedMigrationAndTheCommandThatRemovesIt()
        {
            var leftover = XlDomainParser.Parse(ReferenceSamples.Read("xl-list.xen-4.17.5-stale-incoming-after-failed-migration.txt"), "", "xl-b").Single(d => d.Name == "tiny--incoming");
            var destination = Hosts.Xl("xl-b").With(leftover);
            destination.Receivers = IncomingCopies.ParseReceivers("");

            var check = DomainChecks.NameFree("tiny", null, destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("xl-b holds tiny--incoming, a leftover of a failed migration of tiny (paused (--p---), 0 vCPU(s), and no receive process runs for it); " +
                "xl refuses a new copy while it is there (Domain with name \"tiny--incoming\" already exists).", check.Detail);
            Assert.Equal("Remove it with 'xl destroy tiny--incoming' on xl-b, or give Move-XenDomain -RemoveLeftover.", check.Remedy);
        }

        [Theory]
        [InlineData("xc_restore\u001f23\u001f4", 0, "dom0-b is receiving com-xp1 right now (listed as migrating-com-xp1: paused (--p---), 0 vCPU(s), and a receive process (xc_restore) runs for it).")]
        [InlineData("", 1, "dom0-b lists migrating-com-xp1, an incoming copy of com-xp1 that may still be in use (paused (--p---), 1 vCPU(s), no receive process runs for it).")]
        [InlineData(null, 0, "dom0-b lists migrating-com-xp1, an incoming copy of com-xp1 that may still be in use (paused (--p---), 0 vCPU(s); the host's processes could not be read).")]
        public void NameFreeNeverSuggestsDestroyingACopyThatMayBeATransferInProgress(string? receivers, int vcpus, string detail)
        {
            var arriving = new XenDomain { Name = "migrating-com-xp1", Id = 4, State = XenDomainState.Migrating, StateFlags = "--p---", VCpus = vcpus };
            var destination = Hosts.Xm("dom0-b").With(arriving);
            destination.Receivers = receivers is null ? null : IncomingCopies.ParseReceivers(receivers);

            var check = DomainChecks.NameFree("com-xp1", Hosts.ComXp1(), destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal(detail, check.Detail);
            Assert.Contains("Do not destroy migrating-com-xp1", check.Remedy);
            Assert.DoesNotContain("xm destroy", check.Remedy);
        }

        [Fact]
        public void BridgesPassFailOrDoNotApply()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Host.Bridges = new[] { "xenbr1" };
            var noVif = Hosts.ComXp1();
            noVif.Vifs = new XenVif[0];

            var present = DomainChecks.Bridges("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), Hosts.Xm("dom0-b"));
            var missing = DomainChecks.Bridges("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), destination);
            var none = DomainChecks.Bridges("com-xp1", Hosts.Xm("dom0-a"), noVif, destination);

            Assert.Equal(ReadinessStatus.Pass, present.Status);
            Assert.Equal("dom0-b has bridge xenbr0.", present.Detail);
            Assert.Equal(ReadinessStatus.Fail, missing.Status);
            Assert.Equal("dom0-b has no bridge xenbr0, which com-xp1 uses (dom0-b has: xenbr1).", missing.Detail);
            Assert.Equal(ReadinessStatus.Skipped, none.Status);
        }
    }
}
