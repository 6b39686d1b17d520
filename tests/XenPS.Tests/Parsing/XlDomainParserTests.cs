using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class XlDomainParserTests
    {
        private const string Header = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";

        [Fact]
        public void ANameThatLooksLikeARowMakesNoPhantomDomain()
        {
            const string ghost = "ghost  99 4096 4 r----- 1.0\nreal";
            var table = Header + Row("Domain-0", 0, 1024, "r-----") + Row(ghost, 5, 512, "-b----");
            var json = Json((0, "Domain-0"), (5, ghost));
            var warnings = new List<string>();

            var domains = XlDomainParser.Parse(table, json, "xl-a", "", warnings);

            Assert.Equal(new[] { "Domain-0", ghost }, domains.Select(d => d.Name));
            Assert.Equal(5, domains[1].Id);
            Assert.Equal(512, domains[1].MemoryMB);
            Assert.Equal(XenDomainState.Blocked, domains[1].State);
            Assert.All(domains, d => Assert.Null(d.Inconsistency));
            Assert.Empty(warnings);
        }

        [Fact]
        public void ANameWithATrailingSpaceIsKeptExactAndIsNoDom0()
        {
            var table = Header + Row("Domain-0", 0, 1024, "r-----") + Row("Domain-0 ", 7, 256, "-b----");
            var domains = XlDomainParser.Parse(table, Json((0, "Domain-0"), (7, "Domain-0 ")), "xl-a");

            var guest = Assert.Single(domains, d => !d.IsDom0);
            Assert.Equal("Domain-0 ", guest.Name);
            Assert.Equal(7, guest.Id);
        }

        [Fact]
        public void ARowThatNoJsonEntryExplainsIsLeftOutWithAWarning()
        {
            var table = Header + Row("Domain-0", 0, 1024, "r-----") + Row("phantom", 99, 4096, "r-----");
            var warnings = new List<string>();

            var domains = XlDomainParser.Parse(table, Json((0, "Domain-0")), "xl-a", "", warnings);

            Assert.Equal(new[] { "Domain-0" }, domains.Select(d => d.Name));
            Assert.StartsWith("xl-a: line 3 of xl list, 'phantom ", Assert.Single(warnings));
        }

        [Fact]
        public void ADomainThatXlListLongLeavesOutIsListedFromTheTableAndFlagged()
        {
            var capture = ReferenceSamples.Read("xl-list-l.xen-4.17.5-stale-incoming-stderr-and-json.txt");
            var split = capture.IndexOf("\n[", System.StringComparison.Ordinal) + 1;
            var warnings = new List<string>();

            var domains = XlDomainParser.Parse(
                ReferenceSamples.Read("xl-list.xen-4.17.5-stale-incoming-after-failed-migration.txt"),
                capture.Substring(split), "xen-b", capture.Substring(0, split), warnings);

            Assert.Equal(new[] { "Domain-0", "tiny--incoming" }, domains.Select(d => d.Name));
            var stale = domains[1];
            Assert.Equal(5, stale.Id);
            Assert.Equal(XenDomainState.Migrating, stale.State);
            Assert.Contains("Domain 5:Fail to get domain configuration", stale.Inconsistency);
            Assert.Null(domains[0].Inconsistency);
            Assert.Empty(warnings);
        }

        private static string Row(string name, int id, int memory, string state) =>
            string.Format(CultureInfo.InvariantCulture, "{0,-40} {1,5} {2,5} {3,5}     {4}  {5,8:0.0}\n", name, id, memory, 1, state, 1.0);

        private static string Json(params (int DomId, string Name)[] domains) =>
            "[" + string.Join(",", domains.Select(d => $"{{\"domid\": {d.DomId}, \"config\": {{\"c_info\": {{\"name\": {JsonSerializer.Serialize(d.Name)}}}}}}}")) + "]";

        [Fact]
        public void JoinsTheXen4175TableAndJson()
        {
            var domains = XlDomainParser.Parse(
                ReferenceSamples.Read("xl-list.xen-4.17.5-debian12-x86_64-qemu.txt"),
                ReferenceSamples.Read("xl-list-l.xen-4.17.5-debian12-pv.json"),
                "xena");

            Assert.Equal(new[] { "Domain-0", "tiny" }, domains.Select(d => d.Name));
            Assert.All(domains, d => Assert.Equal(Toolstack.Xl, d.Toolstack));
            Assert.All(domains, d => Assert.Equal("xena", d.ComputerName));

            var dom0 = domains[0];
            Assert.True(dom0.IsDom0);
            Assert.Equal(0, dom0.Id);
            Assert.Equal(1024, dom0.MemoryMB);
            Assert.Equal(1024, dom0.MaxMemoryMB);
            Assert.Equal(2, dom0.VCpus);
            Assert.Equal(374.8, dom0.CpuTimeSeconds);
            Assert.Equal("r-----", dom0.StateFlags);
            Assert.Equal(XenDomainState.Running, dom0.State);
            Assert.Equal(XenDomainType.PV, dom0.Type);
            Assert.Null(dom0.Uuid);

            var tiny = domains[1];
            Assert.Equal(1, tiny.Id);
            Assert.Equal(128, tiny.MemoryMB);
            Assert.Equal(128, tiny.MaxMemoryMB);
            Assert.Equal(1, tiny.VCpus);
            Assert.Equal(9.7, tiny.CpuTimeSeconds);
            Assert.Equal(XenDomainState.Running, tiny.State);
            Assert.Equal(XenDomainType.PV, tiny.Type);
            Assert.Equal("9dc5274a-c87c-4245-aa76-1cf9d84df077", tiny.Uuid);
            Assert.Empty(tiny.Disks);
            Assert.Empty(tiny.Vifs);
            Assert.Empty(tiny.PciDevices);
        }

        [Fact]
        public void ReadsTheAarch64TableWithoutJson()
        {
            var d = Assert.Single(XlDomainParser.Parse(ReferenceSamples.Read("xl-list.xen-4.17.0-yocto-aarch64.txt"), "", "zynqmp"));

            Assert.Equal("Domain-0", d.Name);
            Assert.Equal(1500, d.MemoryMB);
            Assert.Equal(1500, d.MaxMemoryMB);
            Assert.Equal(123.5, d.CpuTimeSeconds);
            Assert.Equal(XenDomainType.Unknown, d.Type);
        }

        [Fact]
        public void ReadsDisksNicsAndPciDevices()
        {
            var table = Header
                + "Domain-0                                     0  1024     2     r-----     374.8\n"
                + "win                                          3  2048     2     -b----      88.0\n";
            const string json = @"[
    {
        ""domid"": 3,
        ""config"": {
            ""c_info"": { ""type"": ""hvm"", ""name"": ""win"", ""uuid"": ""0b4a4b1e-0000-4000-8000-000000000003"" },
            ""b_info"": { ""max_vcpus"": 2, ""max_memkb"": 4194304, ""type.hvm"": { } },
            ""disks"": [
                { ""pdev_path"": ""/THECUS_NFS/win.img"", ""vdev"": ""hda"", ""backend"": ""qdisk"", ""format"": ""raw"", ""readwrite"": 1 },
                { ""pdev_path"": ""/dev/vg/data:1"", ""vdev"": ""xvdb"", ""backend"": ""phy"" },
                { ""vdev"": ""hdc"", ""backend"": ""qdisk"", ""removable"": 1, ""is_cdrom"": 1 },
                { ""pdev_path"": """", ""vdev"": ""hdd"", ""is_cdrom"": 1 }
            ],
            ""nics"": [
                { ""devid"": 0, ""model"": ""e1000"", ""mac"": ""00:16:3e:5a:10:01"", ""bridge"": ""xenbr0"", ""nictype"": ""vif_ioemu"" },
                { ""devid"": 1 }
            ],
            ""pcidevs"": [
                { ""func"": 1, ""dev"": 31, ""bus"": 10, ""domain"": 0, ""vdevfn"": 40 },
                { ""bus"": 1 },
                { ""bdf"": { ""func"": 2, ""dev"": 3, ""bus"": 4, ""domain"": 1 } }
            ],
            ""some_future_member"": [ 1, 2 ]
        }
    }
]";
            var win = Assert.Single(XlDomainParser.Parse(table, json, "h"));

            Assert.Equal(XenDomainType.HVM, win.Type);
            Assert.Equal(4096, win.MaxMemoryMB);
            Assert.Equal(2048, win.MemoryMB);
            Assert.Equal(
                new (string, string?, string, string, bool)[]
                {
                    ("qdisk", "/THECUS_NFS/win.img", "hda", "w", false),
                    ("phy", "/dev/vg/data:1", "xvdb", "r", false),
                    ("qdisk", null, "hdc", "r", true),
                    ("", null, "hdd", "r", true),
                },
                win.Disks.Select(XmDomainParserTests.Describe));
            Assert.Equal(new (string?, string?, string?)[] { ("xenbr0", "00:16:3e:5a:10:01", "e1000"), (null, null, null) }, win.Vifs.Select(v => (v.Bridge, v.Mac, v.Model)));
            Assert.Equal(new[] { "0000:0a:1f.1", "0000:01:00.0", "0001:04:03.2" }, win.PciDevices);
        }

        [Theory]
        [InlineData(@"{ ""type"": ""pv"" }", "{}", XenDomainType.PV)]
        [InlineData(@"{ ""type"": ""hvm"" }", "{}", XenDomainType.HVM)]
        [InlineData(@"{ ""type"": ""pvh"" }", "{}", XenDomainType.PVH)]
        [InlineData(@"{ ""type"": ""pv"", ""pvh"": ""True"" }", "{}", XenDomainType.PVH)]
        [InlineData("{}", @"{ ""type.hvm"": {} }", XenDomainType.HVM)]
        [InlineData("{}", @"{ ""type.pv"": {} }", XenDomainType.PV)]
        [InlineData("{}", @"{ ""type.pvh"": {} }", XenDomainType.PVH)]
        [InlineData(@"{ ""type"": ""future"" }", "{}", XenDomainType.Unknown)]
        public void ReadsTheDomainType(string cInfo, string bInfo, XenDomainType expected)
        {
            var json = $@"[{{ ""domid"": 1, ""config"": {{ ""c_info"": {cInfo}, ""b_info"": {bInfo} }} }}]";

            var d = Assert.Single(XlDomainParser.Parse(Header + "g 1 128 1 -b---- 1.0\n", json, "h"));

            Assert.Equal(expected, d.Type);
        }

        [Theory]
        [InlineData("r-----", XenDomainState.Running)]
        [InlineData("-b----", XenDomainState.Blocked)]
        [InlineData("--p---", XenDomainState.Paused)]
        [InlineData("--ps--", XenDomainState.Shutdown)]
        [InlineData("---ss-", XenDomainState.Suspended)]
        [InlineData("---sr-", XenDomainState.Shutdown)]
        [InlineData("--psc-", XenDomainState.Crashed)]
        [InlineData("---sc-", XenDomainState.Crashed)]
        [InlineData("---s-d", XenDomainState.Dying)]
        [InlineData("rb----", XenDomainState.Running)]
        [InlineData("------", XenDomainState.NoState)]
        public void ReadsTheStateFromTheFlags(string flags, XenDomainState expected)
        {
            var d = Assert.Single(XlDomainParser.Parse(Header + $"g 1 128 1 {flags} 1.0\n", "", "h"));

            Assert.Equal(flags, d.StateFlags);
            Assert.Equal(expected, d.State);
        }

        [Theory]
        [InlineData("tiny--incoming", "tiny")]
        [InlineData("tiny--migratedaway", "tiny")]
        public void MigrationNamesMeanMigrating(string name, string guest)
        {
            var d = Assert.Single(XlDomainParser.Parse(Header + $"{name} 6 128 1 --p--- 0.1\n", "", "h"));

            Assert.Equal(XenDomainState.Migrating, d.State);
            Assert.Equal(name, d.Name);
            Assert.Equal(guest, d.GuestName);
        }

        [Fact]
        public void JoinsOnTheExactNameWhenTheJsonHasNoDomid()
        {
            const string json = @"[ { ""config"": { ""c_info"": { ""name"": ""b"", ""uuid"": ""uuid-b"" } } }, { ""domid"": 1, ""config"": { ""c_info"": { ""name"": ""a"", ""uuid"": ""uuid-a"" } } } ]";
            var warnings = new List<string>();

            var domains = XlDomainParser.Parse(Header + "a 1 128 1 -b---- 1.0\nb 2 128 1 -b---- 1.0\nc 3 128 1 -b---- 1.0\n", json, "h", "", warnings);

            Assert.Equal(new[] { ("b", 2), ("a", 1) }, domains.Select(d => (d.Name, d.Id ?? -1)));
            Assert.Equal(new[] { "uuid-b", "uuid-a" }, domains.Select(d => d.Uuid));
            Assert.StartsWith("h: line 4 of xl list, 'c 3 128", Assert.Single(warnings));
        }

        [Fact]
        public void AJsonEntryWithoutARowIsListedWithItsStateUnknownAndFlagged()
        {
            const string json = @"{ ""domid"": 9, ""config"": { ""c_info"": { ""name"": ""new"" }, ""b_info"": { ""max_memkb"": 262144 } } }";
            var warnings = new List<string>();

            var d = Assert.Single(XlDomainParser.Parse(Header + "a 1 128 1 -b---- 1.0\n", json, "h", "", warnings));

            Assert.Equal(("new", 9, XenDomainState.Unknown, 256L), (d.Name, d.Id ?? -1, d.State, d.MemoryMB));
            Assert.StartsWith("xl list shows no row for this domain", d.Inconsistency);
            Assert.StartsWith("h: line 2 of xl list, 'a 1 128", Assert.Single(warnings));
        }

        [Fact]
        public void SxpOutputIsRejectedWithTheFix()
        {
            var e = Assert.Throws<XenParseException>(() => XlDomainParser.Parse(Header, "(domain\n\t(domid 0)\n)\n", "h"));

            Assert.Contains("output_format", e.Message);
            Assert.Contains("/etc/xen/xl.conf", e.Message);
        }

        [Theory]
        [InlineData("[ { \"domid\": 0, ")]
        [InlineData("libxl: error: cannot get domain info")]
        [InlineData("42")]
        public void TextThatIsNotTheJsonListIsRejected(string json)
        {
            var e = Assert.Throws<XenParseException>(() => XlDomainParser.Parse(Header, json, "h"));

            Assert.Contains("xl list -l", e.Message);
        }

        [Theory]
        [InlineData("[{\"domid\":0,\"config\":{\"c_info\":{\"type\":\"pv\",\"name\":\"a\\udc00\"}}}]")]
        [InlineData("[{\"domid\":0,\"config\":{\"b_info\":{\"max_memkb\":\"\\ud800\"}}}]")]
        public void AnEscapedLoneSurrogateIsRejected(string json)
        {
            var e = Assert.Throws<XenParseException>(() => XlDomainParser.Parse(Header + "a 0 128 1 r----- 1.0\n", json, "h"));

            Assert.Contains("not valid UTF-16 text", e.Message);
        }

        [Fact]
        public void ALoneSurrogateInTheTextIsRejected()
        {
            var e = Assert.Throws<XenParseException>(() => XlDomainParser.Parse(Header, "[\"\ud800\"]", "h"));

            Assert.Contains("xl list -l is not valid text", e.Message);
        }

        [Fact]
        public void AStaleDomidTooLargeForADomidIsRejected()
        {
            var e = Assert.Throws<XenParseException>(() =>
                XlDomainParser.Parse(Header, "[]", "h", "libxl: error: Domain 99999999999999999999:Fail to get domain configuration\n"));

            Assert.Contains("domain 99999999999999999999, which is too large to be a domid", e.Message);
        }

        [Fact]
        public void AStaleDomidInOtherDigitsNamesNoDomain()
        {
            var warnings = new List<string>();

            var domains = XlDomainParser.Parse(Header + "a 3 128 1 -b---- 1.0\n", "[]", "h", "Domain \u0663:Fail to get domain configuration\n", warnings);

            Assert.Empty(domains);
            Assert.StartsWith("h: line 2 of xl list, 'a 3 128", Assert.Single(warnings));
        }
    }
}
