using System.Linq;
using CsCheck;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Fuzz
{
    /// <summary>
    /// InfoParser (<c>xl info</c>, <c>xm info</c>), CpuInfoParser (<c>/proc/cpuinfo</c>), BridgeListParser and HostFactsParser
    /// on hostile text. None of them is documented to refuse text: unknown lines are ignored, so each must return on any input.
    /// </summary>
    public class HostFactsFuzzTests
    {
        private static readonly string[] Vocabulary =
        {
            "host", "release", "machine", "nr_cpus", "xen_major", "xen_minor", "xen_extra", "xen_version", "xen_caps", "total_memory",
            "free_memory", "(none)", "processor", "vendor_id", "model name", "flags", "Features", "CPU implementer", "0x41", "xenbr0", ":", " : ",
        };

        /// <summary>No /proc/cpuinfo is among the captures; the info captures have the same <c>key : value</c> lines.</summary>
        private static readonly Gen<string> Info = FuzzInput.Hostile(FuzzInput.Captures("xl-info.*.txt", "xm-info.*.txt"), Vocabulary, FuzzInput.AllBrackets);

        [Fact]
        public void InfoLinesAlwaysRead()
        {
            ParserContract.Holds(Info, InfoParser.Parse, lines => Assert.All(lines, line =>
            {
                Assert.NotEmpty(line.Key);
                Assert.Equal(line.Key.Trim(), line.Key);
                Assert.Equal(line.Value.Trim(), line.Value);
            }), 1500, mayRefuse: false);
        }

        [Fact]
        public void HostFactsAlwaysCombine()
        {
            ParserContract.Holds(Gen.Select(Info, Info, Info), input => HostFactsParser.Create(
                "dom0", Toolstack.Xl, InfoParser.Parse(input.Item1), CpuInfoParser.Parse(input.Item2), BridgeListParser.Parse(input.Item3).ToList()), host =>
            {
                Assert.Equal("dom0", host.ComputerName);
                Assert.NotNull(host.XenVersion);
                Assert.All(host.XenCaps, cap => Assert.NotEmpty(cap));
                Assert.All(host.Bridges, bridge => Assert.Equal(bridge.Trim(), bridge));
                Assert.Equal(host.CpuFlags.Distinct().Count(), host.CpuFlags.Count);
            }, 1500, input => $"info {FuzzInput.Show(input.Item1)}, cpuinfo {FuzzInput.Show(input.Item2)}, bridges {FuzzInput.Show(input.Item3)}", mayRefuse: false);
        }
    }
}
