using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Relocation;
using XenPS.Core.Toolstacks;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class MemoryCheckTests
    {
        private static XenDomain Guest(long memoryMB, XenDomainType type = XenDomainType.PV, int vcpus = 1)
        {
            var guest = Hosts.ComXp1();
            guest.MemoryMB = memoryMB;
            guest.MaxMemoryMB = memoryMB;
            guest.Type = type;
            guest.VCpus = vcpus;
            return guest;
        }

        private static ReadinessStatus Status(XenDomain guest, HostFacts destination) =>
            MemoryCheck.Memory(guest.Name, Hosts.Xm("dom0-a").With(), guest, destination).Status;

        [Theory]
        // xend's restore: nothing for a PV guest; 4 MiB video RAM + 4 * (256 * vcpus + 2 * maxmem) KiB rounded up to MiB for HVM.
        [InlineData(XenDomainType.PV, 1, 1536, 0)]
        [InlineData(XenDomainType.HVM, 1, 1536, 17)]    // 4 + 13312 KiB -> 13 MiB
        [InlineData(XenDomainType.HVM, 2, 1024, 14)]    // 4 + 10240 KiB -> 10 MiB
        public void XendAddsWhatItsRestoreBalloonsFor(XenDomainType type, int vcpus, long memoryMB, long expected)
        {
            Assert.Equal(expected, Toolstack.Xm.Implementation().ReceiveOverheadMB(Guest(memoryMB, type, vcpus), x86: true));
            Assert.Equal(0, Toolstack.Xm.Implementation().ReceiveOverheadMB(Guest(memoryMB, type, vcpus), x86: false));
        }

        [Theory]
        // libxl: memory + 4 * (256 * vcpus + maxmem) KiB + 1024 (PV) or 2048 KiB, rounded up to 2 MiB.
        [InlineData(XenDomainType.PV, 1, 1536, 8)]      // 1581056 KiB = 772 x 2 MiB
        [InlineData(XenDomainType.HVM, 1, 1536, 10)]    // 1582080 KiB -> 773 x 2 MiB
        [InlineData(XenDomainType.PV, 1, 32, 4)]        // 32768 + 1152 + 1024 = 34944 KiB -> 36 MiB
        public void XlAddsLibxlsNeedMemory(XenDomainType type, int vcpus, long memoryMB, long expected)
        {
            Assert.Equal(expected, Toolstack.Xl.Implementation().ReceiveOverheadMB(Guest(memoryMB, type, vcpus), x86: true));
        }

        [Fact]
        public void ArchitecturesAreRecognised()
        {
            Assert.True(new XenHost { Architecture = "x86_64" }.IsX86);
            Assert.True(new XenHost { Architecture = "x86_32" }.IsX86);
            Assert.True(new XenHost { Architecture = "i686" }.IsX86);
            Assert.False(new XenHost { Architecture = "aarch64" }.IsX86);
            Assert.False(new XenHost { Architecture = "armv7l" }.IsX86);
        }

        [Theory]
        [InlineData(true, 196, 1024, 828)]
        [InlineData(true, 0, 1024, 1024)]
        [InlineData(true, 2048, 1024, 0)]
        [InlineData(false, 196, 1024, 0)]
        public void DomZeroGivesBackMemoryDownToDom0MinMemWhenBallooningIsOn(bool ballooning, long minMemMB, long currentMB, long expected)
        {
            var xend = new XendSettings { Dom0Ballooning = ballooning, Dom0MinMemMB = minMemMB };

            Assert.Equal(expected, MemoryCheck.BalloonMB(xend, currentMB));
            Assert.Equal(0, MemoryCheck.BalloonMB(null, currentMB));
        }

        [Fact]
        public void PassesWithTheNumbersInTheDetail()
        {
            var check = MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Guest(1536), Hosts.Xm("dom0-b", freeMB: 3070));

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal(
                "com-xp1 needs 1536 MiB on dom0-b: 1536 MiB of memory + 0 MiB that xend's restore adds for a guest that is not HVM. " +
                "dom0-b has 3070 MiB free + 828 MiB that xend can balloon out of dom0 (down to dom0-min-mem 196 MiB) = 3898 MiB.", check.Detail);
        }

        [Fact]
        public void NeedEqualToFreePlusBallooningPassesAndOneMiBMoreFails()
        {
            // 708 free + 828 from dom0 = 1536.
            Assert.Equal(ReadinessStatus.Pass, Status(Guest(1536), Hosts.Xm("dom0-b", freeMB: 708)));
            Assert.Equal(ReadinessStatus.Fail, Status(Guest(1537), Hosts.Xm("dom0-b", freeMB: 708)));
            var check = MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Guest(1536), Hosts.Xm("dom0-b", freeMB: 707));
            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.EndsWith("= 1535 MiB. 1 MiB are missing.", check.Detail);
            Assert.Equal("Free at least 1 MiB on dom0-b: shut down or move a domain there, or shrink dom0 ('xm mem-set Domain-0 SIZE_MB').", check.Remedy);
        }

        [Fact]
        public void HvmBoundaryCountsXendsRestoreOverhead()
        {
            // 1536 + 17 = 1553 = 725 free + 828.
            Assert.Equal(ReadinessStatus.Pass, Status(Guest(1536, XenDomainType.HVM), Hosts.Xm("dom0-b", freeMB: 725)));
            Assert.Equal(ReadinessStatus.Fail, Status(Guest(1536, XenDomainType.HVM), Hosts.Xm("dom0-b", freeMB: 724)));
        }

        [Fact]
        public void WithoutBallooningOnlyFreeMemoryCounts()
        {
            var fits = Hosts.Xm("dom0-b", freeMB: 1536);
            fits.Xend!.Dom0Ballooning = false;
            var short1 = Hosts.Xm("dom0-b", freeMB: 1535);
            short1.Xend!.Dom0Ballooning = false;

            var check = MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Guest(1536), short1);

            Assert.Equal(ReadinessStatus.Pass, Status(Guest(1536), fits));
            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("1535 MiB free (enable-dom0-ballooning is off, so xend takes nothing from dom0). 1 MiB are missing.", check.Detail);
        }

        [Fact]
        public void DomZeroAlreadyBelowDom0MinMemGivesNothing()
        {
            var fits = Hosts.Xm("dom0-b", freeMB: 1536);
            fits.Domains = new[] { Hosts.Dom0(150) };
            var short1 = Hosts.Xm("dom0-b", freeMB: 1535);
            short1.Domains = new[] { Hosts.Dom0(150) };

            Assert.Equal(ReadinessStatus.Pass, Status(Guest(1536), fits));
            Assert.Equal(ReadinessStatus.Fail, Status(Guest(1536), short1));
        }

        [Fact]
        public void XendRefusesANeedOfItsMaxFreeMemOrMore()
        {
            // Nothing but dom0 on 6142 MiB: 5118 free + 828 = 5946 available, and max_free_mem is 6142 - 196 = 5946.
            var destination = Hosts.Xm("dom0-b", freeMB: 5118);

            var check = MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Guest(5946), destination);

            Assert.Equal(ReadinessStatus.Pass, Status(Guest(5945), destination));
            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.EndsWith("= 5946 MiB, but xend refuses 5946 MiB or more (max_free_mem: the total memory less dom0-min-mem, or less dom0 without ballooning). 1 MiB are missing.", check.Detail);
        }

        [Fact]
        public void XlCountsFreeMemoryOnlyAgainstLibxlsNeed()
        {
            var passes = MemoryCheck.Memory("com-xp1", Hosts.Xl("xl-a"), Guest(1536), Hosts.Xl("xl-b", freeMB: 1544));
            var fails = MemoryCheck.Memory("com-xp1", Hosts.Xl("xl-a"), Guest(1536), Hosts.Xl("xl-b", freeMB: 1543));

            Assert.Equal(ReadinessStatus.Pass, passes.Status);
            Assert.EndsWith("xl-b has 1544 MiB free.", passes.Detail);
            Assert.Equal(ReadinessStatus.Fail, fails.Status);
            Assert.Contains("1 MiB are missing.", fails.Detail);
            Assert.Contains("'xl mem-set 0 SIZE_MB'", fails.Remedy);
        }
    }
}
