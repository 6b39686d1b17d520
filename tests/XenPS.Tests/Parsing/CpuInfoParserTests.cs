using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class CpuInfoParserTests
    {
        private const string AmdDom0 = @"processor	: 0
vendor_id	: AuthenticAMD
cpu family	: 16
model		: 4
model name	: AMD Phenom(tm) II X4 940 Processor
stepping	: 2
cpu MHz		: 3000.000
cache size	: 512 KB
fpu		: yes
flags		: fpu de tsc msr pae cx8 apic sep cmov pat clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt lm 3dnowext 3dnow constant_tsc rep_good nonstop_tsc pni cx16 popcnt hypervisor lahf_lm cmp_legacy extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch
bogomips	: 6000.00
TLB size	: 1024 4K pages
address sizes	: 48 bits physical, 48 bits virtual
power management: ts ttp tm stc 100mhzsteps hwpstate

processor	: 1
vendor_id	: AuthenticAMD
model name	: AMD Phenom(tm) II X4 940 Processor
flags		: fpu de tsc msr pae
power management: ts ttp tm stc 100mhzsteps hwpstate

";

        private const string Aarch64 = @"processor	: 0
BogoMIPS	: 200.00
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x0
CPU part	: 0xd03
CPU revision	: 4

processor	: 1
BogoMIPS	: 200.00
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x0
CPU part	: 0xd03
CPU revision	: 4
";

        [Fact]
        public void ReadsAnX86Dom0()
        {
            var cpu = CpuInfoParser.Parse(AmdDom0);

            Assert.Equal("AuthenticAMD", cpu.Vendor);
            Assert.Equal("AMD Phenom(tm) II X4 940 Processor", cpu.Model);
            Assert.Equal(2, cpu.LogicalCpus);
            Assert.Equal(38, cpu.Flags.Count);
            Assert.Equal("3dnow", cpu.Flags[0]);
            Assert.Contains("hypervisor", cpu.Flags);
            Assert.Equal(cpu.Flags, System.Linq.Enumerable.OrderBy(cpu.Flags, f => f, System.StringComparer.Ordinal));
        }

        [Fact]
        public void ReadsAnArmDom0()
        {
            var cpu = CpuInfoParser.Parse(Aarch64);

            Assert.Equal("ARM", cpu.Vendor);
            Assert.Equal("", cpu.Model);
            Assert.Equal(2, cpu.LogicalCpus);
            Assert.Equal(new[] { "aes", "asimd", "cpuid", "crc32", "evtstrm", "fp", "pmull", "sha1", "sha2" }, cpu.Flags);
        }

        [Fact]
        public void KeepsAnUnknownImplementerCode()
        {
            Assert.Equal("0x99", CpuInfoParser.Parse("processor : 0\nCPU implementer : 0x99\n").Vendor);
        }

        [Fact]
        public void DropsDuplicateFlagsAndToleratesEmptyText()
        {
            Assert.Equal(new[] { "a", "b" }, CpuInfoParser.Parse("flags : b a b  a\n").Flags);

            var empty = CpuInfoParser.Parse("");
            Assert.Equal("", empty.Vendor);
            Assert.Equal("", empty.Model);
            Assert.Empty(empty.Flags);
            Assert.Equal(0, empty.LogicalCpus);
        }
    }
}
