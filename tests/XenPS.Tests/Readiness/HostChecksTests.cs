using System;
using System.Collections.Generic;
using System.Linq;
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
            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), sameHost: null);

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

            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), destination, sameHost: null);
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

            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), plain, sameHost: null);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.StartsWith("dom0-b is not a Xen dom0: neither xm nor xl", check.Detail);
        }

        [Fact]
        public void HostsReachableFailsForOneHostUnderTwoNames()
        {
            var check = HostChecks.HostsReachable(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-a.lab"), sameHost: "both show the SSH host key SHA256:aaaa");

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("dom0-a and dom0-a.lab are the same host (both show the SSH host key SHA256:aaaa): a domain cannot be migrated to the host it runs on.", check.Detail);
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
            var check = Cpu(destination: d => d.CpuFlags = new[] { "fpu", "lm", "nx", "osvw", "sse2", "sse4a", "svm" });

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal("Both hosts have AuthenticAMD x86_64 CPUs, and dom0-b gives guests all 5 CPU features that dom0-a gives them.", check.Detail);
        }

        [Fact]
        public void CpuPassesTheMoveBackWhenTheHostsDifferInDom0FlagsOnly()
        {
            // The lab's pair, moving back from dom0-b: its Athlon II has osvw, dom0-a's Phenom II does not; no guest of Xen sees osvw.
            var check = Cpu(s => s.CpuFlags = LabFlags.Split(' ').Append("osvw").ToArray(), d => d.CpuFlags = LabFlags.Split(' '));

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.EndsWith("and dom0-b gives guests all 32 CPU features that dom0-a gives them. Not compared, as guests cannot see them: osvw.", check.Detail);
        }

        [Fact]
        public void CpuFailsListingOnlyTheMissingFeaturesGuestsCanSee()
        {
            var check = Cpu(destination: d => d.CpuFlags = new[] { "fpu", "lm", "nx", "sse2" });

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("dom0-b (AMD Phenom(tm) II X4 945 Processor) lacks 1 CPU feature(s) that dom0-a (AMD Phenom(tm) II X4 945 Processor) gives its guests: sse4a. A domain that uses them fails after the move.", check.Detail);
            Assert.NotNull(check.Remedy);
        }

        [Fact]
        public void CpuComparesTheMaskedSetWhereAHostLevelsCpuid()
        {
            var check = Cpu(destination: d => d.Info = XenCommandLine("placeholder dom0_mem=1024M cpuid_mask_ext_ecx=0xffffffbf"));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("gives its guests: sse4a (masked on dom0-b). dom0-b levels CPUID for its guests: cpuid_mask_ext_ecx=0xffffffbf.", check.Detail);
        }

        [Fact]
        public void CpuPassesWhereTheSourceMasksTheFeatureTheDestinationLacks()
        {
            var check = Cpu(s => s.Info = XenCommandLine("cpuid_mask_ext_ecx=0xffffffbf"), d => d.CpuFlags = new[] { "fpu", "lm", "nx", "sse2" });

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal("Both hosts have AuthenticAMD x86_64 CPUs, and dom0-b gives guests all 4 CPU features that dom0-a gives them. Not compared, as guests cannot see them: sse4a svm. dom0-a levels CPUID for its guests: cpuid_mask_ext_ecx=0xffffffbf.", check.Detail);
        }

        [Fact]
        public void CpuComparesEveryFlagOnArm()
        {
            var check = Cpu(
                s => (s.Architecture, s.CpuFlags) = ("aarch64", new[] { "aes", "asimd", "fp", "sha2" }),
                d => (d.Architecture, d.CpuFlags) = ("aarch64", new[] { "asimd", "fp" }));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("gives its guests: aes sha2.", check.Detail);
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

        /// <summary>dom0-a's flags in tests/XenLab/profiles/readiness.json (32 of them guest-visible).</summary>
        private const string LabFlags = "fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt lm 3dnowext 3dnow constant_tsc rep_good nonstop_tsc extd_apicid pni cx16 popcnt hypervisor lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch ibs skinit wdt";

        private static KeyValuePair<string, string>[] XenCommandLine(string commandLine) =>
            new[] { new KeyValuePair<string, string>("xen_commandline", commandLine) };

        /// <summary>The CPU check from dom0-a to dom0-b, each changed as given.</summary>
        private static ReadinessCheck Cpu(Action<XenHost>? source = null, Action<XenHost>? destination = null)
        {
            var from = Hosts.Xm("dom0-a");
            var to = Hosts.Xm("dom0-b");
            source?.Invoke(from.Host);
            destination?.Invoke(to.Host);
            return HostChecks.Cpu(from, to);
        }
    }
}
