using System.Collections.Generic;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class CpuFeaturesTests
    {
        [Theory]
        [InlineData("pni")]
        [InlineData("lahf_lm")]
        [InlineData("abm")]
        [InlineData("aes")]
        [InlineData("fxsr_opt")]
        [InlineData("pdpe1gb")]
        [InlineData("sha_ni")]
        [InlineData("tsc_deadline_timer")]
        [InlineData("rdrand")]
        public void GuestsSeeTheFeaturesXenGivesThemUnderTheirLinuxNames(string flag)
        {
            var cpu = CpuFeatures.Of(Host("x86_64", flag));

            Assert.Equal(new[] { flag }, cpu.Visible);
            Assert.Empty(cpu.HostOnly);
        }

        [Theory]
        [InlineData("osvw")]
        [InlineData("svm")]
        [InlineData("vmx")]
        [InlineData("hypervisor")]
        [InlineData("apic")]
        [InlineData("ht")]
        [InlineData("constant_tsc")]
        [InlineData("nonstop_tsc")]
        [InlineData("monitor")]
        [InlineData("ibs")]
        [InlineData("hle")]
        public void FlagsOfTheDom0AloneAreNotCompared(string flag)
        {
            var cpu = CpuFeatures.Of(Host("x86_64", flag));

            Assert.Empty(cpu.Visible);
            Assert.Equal(new[] { flag }, cpu.HostOnly);
        }

        [Fact]
        public void ThirtyTwoBitDom0sUseTheSameTable()
        {
            Assert.Empty(CpuFeatures.Of(Host("i686", "osvw")).Visible);
        }

        [Theory]
        [InlineData("cpuid_mask_ecx=0xfffffffe", "pni")]
        [InlineData("cpuid_mask_edx=0xfbffffff", "sse2")]
        [InlineData("cpuid_mask_ext_ecx=0xffffffbf", "sse4a")]
        [InlineData("cpuid_mask_ext_edx=0xdfffffff", "lm")]
        [InlineData("cpuid_mask_xsave_eax=0xfffffffe", "xsaveopt")]
        [InlineData("cpuid_mask_l7s0_ebx=0xffffffdf", "avx2")]
        [InlineData("cpuid-mask-ext-ecx=4294967231", "sse4a")]
        [InlineData("cpuid_mask_ext_ecx=037777777677", "sse4a")]
        public void ACpuidMaskHidesTheFeaturesItClears(string option, string hidden)
        {
            var cpu = CpuFeatures.Of(Host("x86_64", hidden, "cx16", commandLine: "placeholder dom0_mem=1024M " + option));

            Assert.Equal(new[] { hidden }, cpu.Masked);
            Assert.Equal(new[] { "cx16" }, cpu.Visible);
            Assert.Equal(new[] { option }, cpu.MaskOptions);
        }

        [Theory]
        [InlineData("cpuid_mask_ext_ecx=0xffffffbf cpuid_mask_ext_ecx=0xffffffff")]
        [InlineData("cpuid_mask_ext_ecx=0xffffffbf cpuid_mask_ext_ecx=0")]
        [InlineData("cpuid_mask_ext_ecx=sse4a")]
        [InlineData("cpuid_mask_ext_ecx=")]
        [InlineData("cpuid_mask_thermal_ecx=0")]
        [InlineData("cpuid_mask_cpu=fam_10_rev_b")]
        public void OnlyTheLastValidNonZeroMaskCounts(string commandLine)
        {
            var cpu = CpuFeatures.Of(Host("x86_64", "sse4a", commandLine: commandLine));

            Assert.Equal(new[] { "sse4a" }, cpu.Visible);
            Assert.Empty(cpu.Masked);
        }

        [Fact]
        public void ArmFlagsAreAllCompared()
        {
            var cpu = CpuFeatures.Of(Host("aarch64", "fp", "asimd", commandLine: "cpuid_mask_ecx=0"));

            Assert.Equal(new[] { "fp", "asimd" }, cpu.Visible);
            Assert.Empty(cpu.HostOnly);
        }

        private static XenHost Host(string architecture, string flag, string? other = null, string commandLine = "placeholder dom0_mem=1024M") => new XenHost
        {
            Architecture = architecture,
            CpuFlags = other is null ? new[] { flag } : new[] { flag, other },
            Info = new[] { new KeyValuePair<string, string>("xen_commandline", commandLine) },
        };
    }
}
