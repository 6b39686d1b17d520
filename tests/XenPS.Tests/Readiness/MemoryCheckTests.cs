using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Relocation;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class MemoryCheckTests
    {
        [Theory]
        // xend: VCPUs_max * 1024 + maxmem_MiB * 4 KiB, rounded up to whole MiB.
        [InlineData(1, 1536, 7)]      // 1024 + 6144 = 7168 KiB
        [InlineData(1, 128, 2)]       // 1024 + 512 = 1536 KiB -> 2 MiB
        [InlineData(2, 1024, 6)]      // 2048 + 4096 = 6144 KiB
        [InlineData(4, 4096, 20)]     // 4096 + 16384 = 20480 KiB
        [InlineData(1, 0, 1)]
        public void OverheadIsXendsCheckLiveMigrateMemory(int vcpus, long maxMemoryMB, long expected)
        {
            Assert.Equal(expected, MemoryCheck.OverheadMB(vcpus, maxMemoryMB, x86: true));
        }

        [Fact]
        public void OverheadIsX86Only()
        {
            Assert.Equal(0, MemoryCheck.OverheadMB(4, 4096, x86: false));
            Assert.True(MemoryCheck.IsX86("x86_64"));
            Assert.True(MemoryCheck.IsX86("x86_32"));
            Assert.True(MemoryCheck.IsX86("i686"));
            Assert.False(MemoryCheck.IsX86("aarch64"));
            Assert.False(MemoryCheck.IsX86("armv7l"));
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
            var check = MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), Hosts.Xm("dom0-b", freeMB: 3070));

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal(
                "com-xp1 needs 1543 MiB on dom0-b: 1536 MiB of memory + 7 MiB live-migration overhead (1 MiB per vCPU and 4 KiB per MiB, for 1 vCPU(s)). " +
                "dom0-b has 3070 MiB free + 828 MiB that xend can balloon out of dom0 (down to dom0-min-mem 196 MiB) = 3898 MiB.", check.Detail);
        }

        [Fact]
        public void BallooningMakesUpForShortFreeMemoryWithXm()
        {
            // 1543 needed: 800 free + 828 from dom0 = 1628.
            Assert.Equal(ReadinessStatus.Pass, MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), Hosts.Xm("dom0-b", freeMB: 800)).Status);
        }

        [Fact]
        public void FailsWhenEvenBallooningIsNotEnough()
        {
            var check = MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), Hosts.Xm("dom0-b", freeMB: 510));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.EndsWith("= 1338 MiB. 205 MiB are missing.", check.Detail);
            Assert.Equal("Free at least 205 MiB on dom0-b: shut down or move a domain there, or shrink dom0 ('xm mem-set Domain-0 SIZE_MB').", check.Remedy);
        }

        [Fact]
        public void WithoutBallooningOnlyFreeMemoryCounts()
        {
            var destination = Hosts.Xm("dom0-b", freeMB: 800);
            destination.Xend!.Dom0Ballooning = false;

            var check = MemoryCheck.Memory("com-xp1", Hosts.Xm("dom0-a"), Hosts.ComXp1(), destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("800 MiB free (enable-dom0-ballooning is off, so xend takes nothing from dom0). 743 MiB are missing.", check.Detail);
        }

        [Fact]
        public void XlCountsFreeMemoryOnly()
        {
            var passes = MemoryCheck.Memory("com-xp1", Hosts.Xl("xl-a"), Hosts.ComXp1(), Hosts.Xl("xl-b", freeMB: 1543));
            var fails = MemoryCheck.Memory("com-xp1", Hosts.Xl("xl-a"), Hosts.ComXp1(), Hosts.Xl("xl-b", freeMB: 1542));

            Assert.Equal(ReadinessStatus.Pass, passes.Status);
            Assert.EndsWith("xl-b has 1543 MiB free.", passes.Detail);
            Assert.Equal(ReadinessStatus.Fail, fails.Status);
            Assert.Contains("'xl mem-set 0 SIZE_MB'", fails.Remedy);
        }
    }
}
