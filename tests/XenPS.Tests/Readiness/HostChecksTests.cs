using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Toolstacks;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class HostChecksTests
    {
        [Fact]
        public void HostsReachablePassesForTwoDom0s()
        {
            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), sameHost: false);

            Assert.Equal(ReadinessCheckId.HostsReachable, check.Id);
            Assert.Equal("Hosts reachable", check.Name);
            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal("dom0-a (xm with xend, Xen 4.0.1) and dom0-b (xm with xend, Xen 4.0.1) answer over SSH.", check.Detail);
            Assert.Null(check.Remedy);
        }

        [Fact]
        public void HostsReachableFailsWithTheSessionErrorAndEveryDependentCheckSaysWhy()
        {
            var destination = Hosts.Unreachable("dom0-b");

            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), destination, sameHost: false);
            var version = HostChecks.XenVersion(Hosts.Xm("dom0-a"), destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("No session to dom0-b: Connection refused.", check.Detail);
            Assert.Contains("New-XenSession -ComputerName dom0-b", check.Remedy);
            Assert.Equal(ReadinessStatus.Fail, version.Status);
            Assert.Equal("Not checked: dom0-b could not be queried (see HostsReachable).", version.Detail);
        }

        [Fact]
        public void HostsReachableFailsForAHostWithoutXenTools()
        {
            var plain = Hosts.Xm("dom0-b");
            plain.Tools = new ToolFacts();

            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), plain, sameHost: false);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.StartsWith("dom0-b is not a Xen dom0: neither xm nor xl", check.Detail);
        }

        [Fact]
        public void HostsReachableFailsForOneHostUnderTwoNames()
        {
            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-a.lab"), sameHost: true);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("dom0-a and dom0-a.lab are the same host.", check.Detail);
        }

        [Fact]
        public void ToolstackMatchPassesForTheSameToolstack()
        {
            Assert.Equal(ReadinessStatus.Pass, HostChecks.ToolstackMatch(Hosts.Xl("xl-a"), Hosts.Xl("xl-b")).Status);
        }

        [Fact]
        public void ToolstackMatchFailsAcrossToolstacksAndNamesTheStoppedXend()
        {
            var destination = Hosts.Xl("dom0-b");
            destination.Tools.XmPath = "/usr/sbin/xm";
            destination.Tools.XendPath = "/usr/sbin/xend";

            var check = HostChecks.ToolstackMatch(Hosts.Xm("dom0-a"), destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("dom0-a uses xm with xend, dom0-b uses xl: neither toolstack migrates to the other.", check.Detail);
            Assert.Equal("Start xend on dom0-b ('/etc/init.d/xend start' there), so that both hosts use xm.", check.Remedy);
        }

        [Fact]
        public void ToolstackMatchWithoutAnyXendSaysToUseOneToolstack()
        {
            var check = HostChecks.ToolstackMatch(Hosts.Xm("dom0-a"), Hosts.Xl("xl-b"));

            Assert.Equal("Run the same toolstack on both hosts: xm with xend, or xl without xend.", check.Remedy);
        }

        [Theory]
        [InlineData("4.0.1", 4, 0, ReadinessStatus.Pass)]
        [InlineData("4.0.2", 4, 0, ReadinessStatus.Warning)]
        [InlineData("4.0-rc", 4, 0, ReadinessStatus.Warning)]
        [InlineData("4.1.3", 4, 1, ReadinessStatus.Fail)]
        [InlineData("3.0.1", 3, 0, ReadinessStatus.Fail)]
        public void XenVersionComparesMajorMinorAndExtra(string version, int major, int minor, ReadinessStatus expected)
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Host.XenVersion = version;
            destination.Host.XenMajor = major;
            destination.Host.XenMinor = minor;

            var check = HostChecks.XenVersion(Hosts.Xm("dom0-a"), destination);

            Assert.Equal(expected, check.Status);
            if (expected == ReadinessStatus.Fail) Assert.Equal($"dom0-a runs Xen 4.0.1, dom0-b Xen {version}: the major.minor releases differ.", check.Detail);
            if (expected == ReadinessStatus.Warning) Assert.Equal($"dom0-a runs Xen 4.0.1, dom0-b Xen {version}: same release, different extra version.", check.Detail);
        }

        [Fact]
        public void XenVersionFailsWhenInfoCouldNotBeRead()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.InfoError = "'xm info' failed on dom0-b (exit code 1): Error: Unable to connect to xend: No such file or directory. Is xend running?";
            destination.Host.XenVersion = "";

            var check = HostChecks.XenVersion(Hosts.Xm("dom0-a"), destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("Not checked: " + destination.InfoError, check.Detail);
        }

        [Fact]
        public void ToolPathsPassWhenEqualAndWarnWhenTheyDiffer()
        {
            var same = HostChecks.ToolPaths(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"));
            var other = Hosts.Xm("dom0-b");
            other.Tools.XmPath = "/usr/local/sbin/xm";
            var differ = HostChecks.ToolPaths(Hosts.Xm("dom0-a"), other);

            Assert.Equal(ReadinessStatus.Pass, same.Status);
            Assert.Equal("xm at /usr/sbin/xm on both; xend at /usr/sbin/xend on both.", same.Detail);
            Assert.Equal(ReadinessStatus.Warning, differ.Status);
            Assert.StartsWith("xm at /usr/sbin/xm on dom0-a but at /usr/local/sbin/xm on dom0-b;", differ.Detail);
        }

        [Fact]
        public void XendRunningIsSkippedForXlAndFailsWhereXendIsStopped()
        {
            var stopped = Hosts.Xm("dom0-b");
            stopped.Tools.XendRunning = false;

            Assert.Equal(ReadinessStatus.Skipped, HostChecks.XendRunning(Hosts.Xl("xl-a"), Hosts.Xl("xl-b")).Status);
            Assert.Equal(ReadinessStatus.Pass, HostChecks.XendRunning(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b")).Status);
            var check = HostChecks.XendRunning(Hosts.Xm("dom0-a"), stopped);
            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("xend does not run on dom0-b; xm migrates through xend on both hosts.", check.Detail);
            Assert.Equal("Start xend on dom0-b: '/etc/init.d/xend start' (or 'xend start').", check.Remedy);
        }

        [Fact]
        public void CpuPassesWhenTheDestinationHasEveryFlagAndMore()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Host.CpuFlags = new[] { "fpu", "lm", "nx", "osvw", "sse2", "sse4a", "svm" };

            var check = HostChecks.Cpu(Hosts.Xm("dom0-a"), destination);

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal("Both hosts have AuthenticAMD x86_64 CPUs, and dom0-b has all 6 CPU flags of dom0-a.", check.Detail);
        }

        [Fact]
        public void CpuFailsListingTheFlagsMissingOnTheDestination()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Host.CpuFlags = new[] { "fpu", "lm", "nx", "sse2" };

            var check = HostChecks.Cpu(Hosts.Xm("dom0-a"), destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("lacks 2 CPU flag(s) of dom0-a", check.Detail);
            Assert.Contains(": sse4a svm.", check.Detail);
        }

        [Theory]
        [InlineData("GenuineIntel", "x86_64")]
        [InlineData("AuthenticAMD", "aarch64")]
        public void CpuFailsForAnotherVendorOrArchitecture(string vendor, string architecture)
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Host.CpuVendor = vendor;
            destination.Host.Architecture = architecture;

            var check = HostChecks.Cpu(Hosts.Xm("dom0-a"), destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("cannot move to another CPU vendor or architecture", check.Detail);
        }
    }
}
