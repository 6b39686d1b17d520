using System.Linq;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class InfoParserTests
    {
        [Theory]
        [MemberData(nameof(InfoSamples))]
        public void EveryLineOfEverySampleIsAKeyValuePair(string sample)
        {
            var text = ReferenceSamples.Read(sample);
            var info = InfoParser.Parse(text);

            Assert.Equal(text.Split('\n').Count(l => l.Contains(" : ") || l.EndsWith(":")), info.Count);
            Assert.Equal("4", InfoParser.Get(info, "xend_config_format"));
            Assert.All(info, kv => Assert.Equal(kv.Key.Trim(), kv.Key));
            Assert.All(info, kv => Assert.Equal(kv.Value.Trim(), kv.Value));
        }

        public static System.Collections.Generic.IEnumerable<object[]> InfoSamples() =>
            ReferenceSamples.Cases("xm-info.*").Concat(ReferenceSamples.Cases("xl-info.*"));

        [Fact]
        public void KeepsValuesThatContainColonsAndDropsTrailingSpaces()
        {
            var info = InfoParser.Parse(ReferenceSamples.Read("xm-info.xen-4.0.1-debian-ganeti.txt"));

            Assert.Equal("bfebfbff:20100800:00000000:00000940:0004e3bd:00000000:00000001:00000000", InfoParser.Get(info, "hw_caps"));
            Assert.Equal("node0:0-3", InfoParser.Get(info, "node_to_cpu"));
            Assert.Equal("xen-3.0-x86_64 xen-3.0-x86_32p", InfoParser.Get(info, "xen_caps"));
            Assert.Equal("gcc version 4.4.5 (Debian 4.4.5-8)", InfoParser.Get(info, "cc_compiler"));
            Assert.Equal("#1 SMP Tue Jan  1 00:00:00 UTC 2013", InfoParser.Get(info, "version"));
            Assert.Equal("", InfoParser.Get(info, "virt_caps"));
            Assert.Equal("host", info[0].Key);
        }

        [Fact]
        public void ReadsTheXlChangesetWithColonsAndAnEmptyValueWithoutASpace()
        {
            var info = InfoParser.Parse(ReferenceSamples.Read("xl-info.xen-4.17.0-yocto-aarch64.txt"));

            Assert.Equal("Tue Dec 12 10:08:40 2023 +0100 git:38eebc6e5c-dirty", InfoParser.Get(info, "xen_changeset"));
            Assert.Equal("", InfoParser.Get(info, "cc_compile_domain"));
            Assert.Equal("99.990", InfoParser.Get(info, "cpu_mhz"));
        }

        [Fact]
        public void IgnoresLinesPrintedBeforeTheFirstKey()
        {
            var info = InfoParser.Parse(ReferenceSamples.Read("xl-info.xen-4.17.7-debian12-x86_64-qemu.txt"));

            Assert.Equal("host", info[0].Key);
            Assert.Equal("xena", info[0].Value);
            Assert.Equal("", InfoParser.Get(info, "xen_changeset"));
            Assert.EndsWith("bootscrub=0", InfoParser.Get(info, "xen_commandline"));
        }

        [Fact]
        public void KeepsNoneAndUnknownKeysAndReturnsTheLastOfRepeatedKeys()
        {
            var info = InfoParser.Parse("xen_changeset          : (none)\nfuture_key             : a: b\r\nnr_cpus : 2\nnr_cpus : 4\n");

            Assert.Equal("(none)", InfoParser.Get(info, "xen_changeset"));
            Assert.Equal("a: b", InfoParser.Get(info, "future_key"));
            Assert.Equal("4", InfoParser.Get(info, "nr_cpus"));
            Assert.Null(InfoParser.Get(info, "missing"));
        }

        [Fact]
        public void AnIndentedLineContinuesThePreviousValue()
        {
            var info = InfoParser.Parse("xen_commandline        : a b\n    c d\nnext : 1\n");

            Assert.Equal("a b c d", InfoParser.Get(info, "xen_commandline"));
            Assert.Equal("1", InfoParser.Get(info, "next"));
        }

        [Fact]
        public void AStrayLineWithoutAKeyIsIgnored()
        {
            var info = InfoParser.Parse("xend_config_format     : 4\nlogout\n");

            Assert.Equal("4", InfoParser.Get(info, "xend_config_format"));
            Assert.Single(info);
        }
    }
}
