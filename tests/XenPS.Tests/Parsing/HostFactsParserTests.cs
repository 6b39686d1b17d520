using System;
using System.Collections.Generic;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class HostFactsParserTests
    {
        private static readonly CpuInfo Amd = new CpuInfo { Vendor = "AuthenticAMD", Model = "AMD Opteron", Flags = new[] { "lm", "svm" }, LogicalCpus = 1 };

        private static XenHost FromSample(string sample, Toolstack toolstack, params string[] bridges) =>
            HostFactsParser.Create("dom0-a", toolstack, InfoParser.Parse(ReferenceSamples.Read(sample)), Amd, bridges);

        [Fact]
        public void ReadsXmInfoOfXen401()
        {
            var host = FromSample("xm-info.xen-4.0.1-debian-ganeti.txt", Toolstack.Xm, "xen-br0");

            Assert.Equal("dom0-a", host.ComputerName);
            Assert.Equal("host.example.com", host.HostName);
            Assert.Equal(Toolstack.Xm, host.Toolstack);
            Assert.Equal("4.0.1", host.XenVersion);
            Assert.Equal(4, host.XenMajor);
            Assert.Equal(0, host.XenMinor);
            Assert.Equal("x86_64", host.Architecture);
            Assert.Equal(16378, host.TotalMemoryMB);
            Assert.Equal(8004, host.FreeMemoryMB);
            Assert.Equal(4, host.Cpus);
            Assert.Equal(new[] { "xen-3.0-x86_64", "xen-3.0-x86_32p" }, host.XenCaps);
            Assert.Equal(new[] { "xen-br0" }, host.Bridges);
            Assert.Equal("AuthenticAMD", host.CpuVendor);
            Assert.Equal("AMD Opteron", host.CpuModel);
            Assert.Equal(new[] { "lm", "svm" }, host.CpuFlags);
            Assert.Equal(31, host.Info.Count);
        }

        [Fact]
        public void ReadsXlInfoOfXen4177OnX86()
        {
            var host = FromSample("xl-info.xen-4.17.7-debian12-x86_64-qemu.txt", Toolstack.Xl, "xenbr0");

            Assert.Equal("xena", host.HostName);
            Assert.Equal("4.17.7", host.XenVersion);
            Assert.Equal(4, host.XenMajor);
            Assert.Equal(17, host.XenMinor);
            Assert.Equal(2047, host.TotalMemoryMB);
            Assert.Equal(1000, host.FreeMemoryMB);
            Assert.Equal(2, host.Cpus);
            Assert.Equal(new[] { "xen-3.0-x86_64", "hvm-3.0-x86_32", "hvm-3.0-x86_32p", "hvm-3.0-x86_64" }, host.XenCaps);
        }

        [Fact]
        public void ReadsXlInfoOfXen4170OnArm()
        {
            var host = FromSample("xl-info.xen-4.17.0-yocto-aarch64.txt", Toolstack.Xl);

            Assert.Equal("zynqmp-generic", host.HostName);
            Assert.Equal("4.17.0", host.XenVersion);
            Assert.Equal("aarch64", host.Architecture);
            Assert.Equal(4095, host.TotalMemoryMB);
            Assert.Equal(2529, host.FreeMemoryMB);
            Assert.Equal(4, host.Cpus);
            Assert.Equal(new[] { "xen-3.0-aarch64", "xen-3.0-armv7l" }, host.XenCaps);
            Assert.Empty(host.Bridges);
        }

        [Fact]
        public void PrefersTheXenVersionLineAndKeepsAnExtraSuffix()
        {
            var withLine = Info(("xen_major", "4"), ("xen_minor", "17"), ("xen_extra", ".5-pre"), ("xen_version", "4.17.5-pre"));
            var withoutLine = Info(("xen_major", "4"), ("xen_minor", "17"), ("xen_extra", ".5-pre"));
            var lineOnly = Info(("xen_version", "4.19.1"));

            Assert.Equal("4.17.5-pre", Create(withLine).XenVersion);
            Assert.Equal("4.17.5-pre", Create(withoutLine).XenVersion);
            var host = Create(lineOnly);
            Assert.Equal("4.19.1", host.XenVersion);
            Assert.Equal(4, host.XenMajor);
            Assert.Equal(19, host.XenMinor);
        }

        [Fact]
        public void MissingNoneAndUnknownLinesKeepDefaults()
        {
            var host = Create(Info(("host", "(none)"), ("xen_caps", "(none)"), ("total_memory", "lots"), ("future_key", "x")));

            Assert.Equal("", host.HostName);
            Assert.Equal("", host.XenVersion);
            Assert.Equal(0, host.XenMajor);
            Assert.Equal(0, host.TotalMemoryMB);
            Assert.Equal(0, host.FreeMemoryMB);
            Assert.Empty(host.XenCaps);
            Assert.Equal(1, host.Cpus);
            Assert.Equal("", host.Architecture);
        }

        [Fact]
        public void SortsAndDeduplicatesTheBridges()
        {
            var host = HostFactsParser.Create("h", Toolstack.Xl, Info(), Amd, new[] { "xenbr1", " xenbr0 ", "", "xenbr1" });

            Assert.Equal(new[] { "xenbr0", "xenbr1" }, host.Bridges);
        }

        [Fact]
        public void ReadsTheBridgeProbeOutput()
        {
            Assert.Equal(new[] { "br-lab", "xen-br0", "xenbr0" }, BridgeListParser.Parse("xenbr0\n\nbr-lab\r\nxen-br0  \n"));
            Assert.Empty(BridgeListParser.Parse(""));
        }

        private static XenHost Create(IReadOnlyList<KeyValuePair<string, string>> info) =>
            HostFactsParser.Create("h", Toolstack.Xl, info, Amd, Array.Empty<string>());

        private static IReadOnlyList<KeyValuePair<string, string>> Info(params (string Key, string Value)[] lines)
        {
            var list = new List<KeyValuePair<string, string>>();
            foreach (var (key, value) in lines) list.Add(new KeyValuePair<string, string>(key, value));
            return list;
        }
    }
}
