using CsCheck;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Fuzz
{
    /// <summary>SxpReader, SxpDocument (xend-config.sxp) and XmDomainParser (<c>xm list --long</c>) on hostile text.</summary>
    public class SxpFuzzTests
    {
        private static readonly string[] Vocabulary =
        {
            "(domain", "(domid", "(name", "(memory", "(maxmem", "(vcpus", "(online_vcpus", "(state", "(image", "(hvm", "(linux", "(vmx",
            "(device", "(vbd", "(vif", "(pci", "(dev", "(uname", "(bus", "(slot", "(func", "(cdrom", "(cpu_time", "(xend-relocation-port",
            "(xend-relocation-hosts-allow", "'^localhost$'", "\"a\\\"b\"", "'\\x4'", "'\\400'", "r-----", "tap:aio:", "0x01", ")", "))",
        };

        private static readonly Gen<string> XendConfig = FuzzInput.Hostile(FuzzInput.Captures("xend-config.*.sxp"), Vocabulary, FuzzInput.Parentheses);

        private static readonly Gen<string> XmListLong = FuzzInput.Hostile(FuzzInput.Captures("xm-list-long.*.sxp"), Vocabulary, FuzzInput.Parentheses);

        [Fact]
        public void TheLenientReaderReadsOrRefusesWithItsPlace()
        {
            ParserContract.Holds(Gen.OneOf(XmListLong, XendConfig), SxpReader.Parse, nodes => Assert.All(nodes, node => Assert.NotNull(node.ToString())), 1500);
        }

        [Fact]
        public void TheXendReaderKeepsTheTextAndCanStillBeEdited()
        {
            ParserContract.Holds(XendConfig, text => (Text: text, Document: SxpDocument.Parse(text)), parsed =>
            {
                Assert.Equal(parsed.Text, parsed.Document.ToString());
                Assert.All(parsed.Document.Settings, setting =>
                {
                    Assert.Contains(setting.Text, parsed.Text);
                    Assert.NotNull(parsed.Document.GetSetting(setting.Key));
                });
                var edited = parsed.Document.WithValue("xend-relocation-port", "8002", SxpValueStyle.Bare);
                Assert.Equal("8002", edited.GetValue("xend-relocation-port"));
            }, 1500);
        }

        [Fact]
        public void XmListLongGivesDomainsOrRefuses()
        {
            ParserContract.Holds(XmListLong, text => XmDomainParser.Parse(text, "dom0"), domains => Assert.All(domains, domain =>
            {
                Assert.NotNull(domain.Name);
                Assert.Equal("dom0", domain.ComputerName);
                Assert.All(domain.Disks, disk => Assert.NotNull(disk.Target));
                Assert.All(domain.PciDevices, pci => Assert.Matches(ParserContract.PciAddress, pci));
            }), 1500);
        }
    }
}
