using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Relocation;
using XenPS.Core.Remote;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Relocation
{
    public class RelocationSettingsTests
    {
        private const string Debian = "xend-config.debian-xen-4.4-user-relocation.sxp";
        private const string Suse = "xend-config.suse-11.sxp";
        private const string Xen300 = "xend-config.xen-3.0.0.sxp";
        private const string Xen410 = "xend-config.xen-4.1.0-to-4.4.0.sxp";

        [Theory]
        [InlineData(Debian, true, 8002, "", @"^192\.0\.100\.[0-9]+$")]
        [InlineData(Suse, false, 8002, "", @"^localhost$ ^localhost\.localdomain$")]
        [InlineData(Xen300, true, 8002, "localhost", "")]
        [InlineData("xend-config.xen-3.2.0.sxp", true, 8002, "", @"^localhost$ ^localhost\.localdomain$")]
        [InlineData("xend-config.xen-4.0.0.sxp", true, 8002, "", @"^localhost$ ^localhost\.localdomain$")]
        [InlineData(Xen410, true, 8002, "", @"^localhost$ ^localhost\.localdomain$")]
        public void ReadsWhatEachSampleSays(string sample, bool server, int port, string address, string hostsAllow)
        {
            var config = Read(sample);

            Assert.Equal(server, config.Server);
            Assert.Equal(port, config.Port);
            Assert.Equal(address, config.Address);
            Assert.Equal(hostsAllow.Length == 0 ? Array.Empty<string>() : hostsAllow.Split(' '), config.HostsAllow);
            Assert.False(config.SslServer);
            Assert.Equal(8003, config.SslPort);
            Assert.Equal(server && hostsAllow.Length == 0, config.IsOpenToEveryone);
        }

        [Fact]
        public void EverySampleIsCoveredAbove()
        {
            Assert.Equal(6, ReferenceSamples.Names("xend-config.*.sxp").Count);
        }

        [Fact]
        public void AnEmptyFileHasXendsDefaults()
        {
            var config = RelocationSettings.Read(SxpDocument.Parse(""));

            Assert.False(config.Server);
            Assert.Equal(8002, config.Port);
            Assert.Equal("", config.Address);
            Assert.Empty(config.HostsAllow);
            Assert.False(config.SslServer);
            Assert.Equal(8003, config.SslPort);
            Assert.False(config.IsOpenToEveryone);
        }

        [Theory]
        [InlineData("(xend-relocation-server ON)", true)]
        [InlineData("(xend-relocation-server t)", true)]
        [InlineData("(xend-relocation-server 1)", true)]
        [InlineData("(xend-relocation-server 'Yes')", true)]
        [InlineData("(xend-relocation-server off)", false)]
        [InlineData("(xend-relocation-server F)", false)]
        [InlineData("(xend-relocation-server )", false)]
        [InlineData("(xend-relocation-server no)\n(xend-relocation-server yes)", false)]
        public void ReadsYesNoWordsAsXendDoes(string text, bool expected)
        {
            Assert.Equal(expected, RelocationSettings.Read(SxpDocument.Parse(text)).Server);
        }

        [Theory]
        [InlineData("(xend-relocation-port 9002)", 9002)]
        [InlineData("(xend-relocation-port '+9002 ')", 9002)]
        [InlineData("(xend-relocation-port 09002)", 9002)]
        [InlineData("(xend-relocation-port )", 8002)]
        public void ReadsPortsAsPythonIntDoes(string text, int expected)
        {
            Assert.Equal(expected, RelocationSettings.Read(SxpDocument.Parse(text)).Port);
        }

        [Theory]
        [InlineData("(a 1)\n(xend-relocation-server maybe)", "Line 2", "yes/no")]
        [InlineData("(xend-relocation-port 0x1f42)", "Line 1", "decimal")]
        [InlineData("(xend-relocation-ssl-port abc)", "(xend-relocation-ssl-port abc)", "decimal")]
        [InlineData("(xend-relocation-hosts-allow (a b))", "Line 1", "list")]
        public void AValueXendRefusesIsReportedWithItsLine(string text, string where, string what)
        {
            var e = Assert.Throws<XenParseException>(() => RelocationSettings.Read(SxpDocument.Parse(text)));

            Assert.Contains(where, e.Message);
            Assert.Contains(what, e.Message);
        }

        [Fact]
        public void ADoubledSpaceInHostsAllowOpensItToEveryone()
        {
            var config = RelocationSettings.Read(SxpDocument.Parse("(xend-relocation-server yes)\n(xend-relocation-hosts-allow '^a$  ^b$')\n"));

            Assert.Equal(new[] { "^a$", "", "^b$" }, config.HostsAllow);
            Assert.True(config.IsOpenToEveryone);
        }

        [Theory]
        [InlineData(Debian)]
        [InlineData(Suse)]
        [InlineData(Xen300)]
        [InlineData(Xen410)]
        public void AnEditThatChangesNothingKeepsTheText(string sample)
        {
            var text = ReferenceSamples.Read(sample);
            var document = SxpDocument.Parse(text);
            var current = RelocationSettings.Read(document);

            Assert.Equal(text, RelocationSettings.Apply(document, new RelocationEdit()).ToString());
            Assert.Equal(text, RelocationSettings.Apply(document, new RelocationEdit
            {
                Enabled = current.Server,
                Port = 8002,
                Address = current.Address,
                AddAllowedHost = current.HostsAllow,
            }).ToString());
        }

        [Fact]
        public void EnablingTheServerOfTheSuseSampleAddsALineAfterTheCommentedDefault()
        {
            var changes = Changes(Suse, new RelocationEdit { Enabled = true });

            Assert.Equal(new[] { "line 67: + (xend-relocation-server yes)" }, changes);
        }

        [Fact]
        public void DisablingTheServerOfTheDebianSampleRewritesItsLine()
        {
            var changes = Changes(Debian, new RelocationEdit { Enabled = false, Port = 8002 });

            Assert.Equal(new[] { "line 308: (xend-relocation-server yes) -> (xend-relocation-server no)" }, changes);
        }

        [Fact]
        public void APortOtherThanTheDefaultIsInsertedAfterItsCommentedDefault()
        {
            var document = RelocationSettings.Apply(SxpDocument.Parse(ReferenceSamples.Read(Xen410)), new RelocationEdit { Port = 8012 });

            Assert.Equal(new[] { "#(xend-relocation-port 8002)", "(xend-relocation-port 8012)" }, document.ToString().Split('\n').Skip(88).Take(2));
            Assert.Equal(8012, RelocationSettings.Read(document).Port);
        }

        [Fact]
        public void AddingAHostAppendsItsAnchoredPattern()
        {
            var changes = Changes(Debian, new RelocationEdit { AddAllowedHost = new[] { "dom0-b.lab", "192.0.2.7" } });

            Assert.Equal(new[] { @"line 311: (xend-relocation-hosts-allow '^192\\.0\\.100\\.[0-9]+$') -> (xend-relocation-hosts-allow '^192\\.0\\.100\\.[0-9]+$ ^dom0-b\\.lab$ ^192\\.0\\.2\\.7$')" }, changes);
        }

        [Fact]
        public void AddingAHostToAFileWithoutHostsAllowAppendsTheSetting()
        {
            var text = ReferenceSamples.Read(Xen300);
            var document = RelocationSettings.Apply(SxpDocument.Parse(text), new RelocationEdit { AddAllowedHost = new[] { "dom0-a" } });

            Assert.Equal(text + "(xend-relocation-hosts-allow '^dom0-a$')\n", document.ToString());
            Assert.False(RelocationSettings.Read(document).IsOpenToEveryone);
        }

        [Fact]
        public void RemovingAHostByNameOrByPatternKeepsTheOthers()
        {
            var document = SxpDocument.Parse(ReferenceSamples.Read(Xen410));

            var byName = RelocationSettings.Apply(document, new RelocationEdit { RemoveAllowedHost = new[] { "localhost" } });
            var byPattern = RelocationSettings.Apply(document, new RelocationEdit { RemoveAllowedHost = new[] { @"^localhost\.localdomain$" } });

            Assert.Equal(new[] { @"^localhost\.localdomain$" }, RelocationSettings.Read(byName).HostsAllow);
            Assert.Equal(new[] { "^localhost$" }, RelocationSettings.Read(byPattern).HostsAllow);
        }

        [Fact]
        public void RemovingEveryHostIsRefusedBecauseItWouldAdmitEveryone()
        {
            var document = SxpDocument.Parse(ReferenceSamples.Read(Xen410));

            var e = Assert.Throws<ArgumentException>(() => RelocationSettings.Apply(document, new RelocationEdit { RemoveAllowedHost = new[] { "localhost", "localhost.localdomain" } }));

            Assert.Contains("every host", e.Message);
        }

        [Fact]
        public void RemovingAnEntryThatIsNotThereNamesItListsTheEntriesAndChangesNothing()
        {
            var document = SxpDocument.Parse(ReferenceSamples.Read(Xen410));
            var edit = new RelocationEdit { Enabled = true, RemoveAllowedHost = new[] { "localhost", "dom0-x", "^dom0-y" } };

            var e = Assert.Throws<XenSessionException>(() => RelocationSettings.Apply(document, edit));

            Assert.Equal(XenSessionErrorId.AllowedHostNotFound, e.ErrorId);
            Assert.Equal(
                @"'dom0-x', '^dom0-y' are not in xend-relocation-hosts-allow: it holds '^localhost$' '^localhost\.localdomain$'. Nothing was changed. " +
                "Give -RemoveAllowedHost an entry as Get-XendRelocation shows it, or the host name or address it was made from.",
                e.Message);
        }

        [Fact]
        public void RemovingFromAnEmptyListSaysThatItIsEmpty()
        {
            var e = Assert.Throws<XenSessionException>(() => RelocationSettings.Apply(SxpDocument.Parse(""), new RelocationEdit { RemoveAllowedHost = new[] { "dom0-a" } }));

            Assert.StartsWith("'dom0-a' is not in xend-relocation-hosts-allow: it is empty.", e.Message);
        }

        [Fact]
        public void AnEntryAddedInTheSameEditCanBeRemoved()
        {
            var document = RelocationSettings.Apply(SxpDocument.Parse(ReferenceSamples.Read(Xen410)), new RelocationEdit { AddAllowedHost = new[] { "dom0-a" }, RemoveAllowedHost = new[] { "dom0-a" } });

            Assert.Equal(new[] { "^localhost$", @"^localhost\.localdomain$" }, RelocationSettings.Read(document).HostsAllow);
        }

        [Theory]
        [InlineData("^")]
        [InlineData(".*$")]
        [InlineData("^[0-9]")]
        public void APatternThatMatchesEveryHostOpensTheServerToEveryone(string pattern)
        {
            var document = RelocationSettings.Apply(SxpDocument.Parse(""), new RelocationEdit { Enabled = true, HostsAllow = new[] { pattern } });

            Assert.True(RelocationSettings.Read(document).IsOpenToEveryone);
        }

        [Fact]
        public void AnExplicitEmptyListAdmitsEveryone()
        {
            var document = RelocationSettings.Apply(SxpDocument.Parse(ReferenceSamples.Read(Xen410)), new RelocationEdit { HostsAllow = new string[0] });

            Assert.Contains("\n(xend-relocation-hosts-allow '')\n", document.ToString());
            Assert.True(RelocationSettings.Read(document).IsOpenToEveryone);
        }

        [Fact]
        public void ReplacingTheListThenAddingAndRemovingAppliesInThatOrder()
        {
            var document = RelocationSettings.Apply(SxpDocument.Parse(ReferenceSamples.Read(Debian)), new RelocationEdit
            {
                HostsAllow = new[] { "dom0-a.lab", "dom0-b.lab" },
                AddAllowedHost = new[] { "dom0-c.lab", "dom0-a.lab" },
                RemoveAllowedHost = new[] { "^dom0-b\\.lab$" },
            });

            Assert.Equal(new[] { @"^dom0-a\.lab$", @"^dom0-c\.lab$" }, RelocationSettings.Read(document).HostsAllow);
        }

        [Fact]
        public void RewritingHostsAllowDropsEmptyEntries()
        {
            var document = RelocationSettings.Apply(SxpDocument.Parse("(xend-relocation-hosts-allow '^a$  ^b$ ')\n"), new RelocationEdit { AddAllowedHost = new[] { "c" } });

            Assert.Equal("(xend-relocation-hosts-allow '^a$ ^b$ ^c$')\n", document.ToString());
        }

        [Fact]
        public void TheAddressIsWrittenSingleQuoted()
        {
            var changes = Changes(Xen300, new RelocationEdit { Address = "" });

            Assert.Equal(new[] { "line 43: (xend-relocation-address localhost) -> (xend-relocation-address '')" }, changes);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(65536)]
        public void RefusesPortsOutsideTheTcpRange(int port)
        {
            Assert.Throws<ArgumentException>(() => RelocationSettings.Apply(SxpDocument.Parse(""), new RelocationEdit { Port = port }));
        }

        [Theory]
        [InlineData("::1", "IPv4 only")]
        [InlineData("a b", "interface name")]
        [InlineData("x'y", "interface name")]
        public void RefusesAddressesXendCannotListenOn(string address, string message)
        {
            var e = Assert.Throws<ArgumentException>(() => RelocationSettings.Apply(SxpDocument.Parse(""), new RelocationEdit { Address = address }));

            Assert.Contains(message, e.Message);
        }

        [Fact]
        public void RefusesAnInvalidHostBeforeWritingAnything()
        {
            var e = Assert.Throws<ArgumentException>(() => RelocationSettings.Apply(SxpDocument.Parse(""), new RelocationEdit { Enabled = true, AddAllowedHost = new[] { "bad host" } }));

            Assert.Contains("'bad host'", e.Message);
        }

        private static XendRelocationConfig Read(string sample) => RelocationSettings.Read(SxpDocument.Parse(ReferenceSamples.Read(sample)));

        private static string[] Changes(string sample, RelocationEdit edit)
        {
            var before = SxpDocument.Parse(ReferenceSamples.Read(sample));
            return SxpDocument.Diff(before, RelocationSettings.Apply(before, edit)).Select(c => c.ToString()).ToArray();
        }

        [Fact]
        public async Task AMissingFileIsReadAsXendReadsItLikeAnEmptyOneWithEveryDefault()
        {
            const string path = "/nonexistent/xend-config.sxp";
            var read = await new LocalShell().RunAsync(RemoteFile.ReadCommand(path), new RemoteRunOptions(), CancellationToken.None);

            var (content, document) = RelocationService.ReadConfig("dom0-b", path, read);
            var config = RelocationService.Describe("dom0-b", path, document, content != null);

            Assert.Null(content);
            Assert.Empty(document.Settings);
            Assert.False(config.FileExists);
            Assert.Equal((false, 8002, "", 0, false, 8003), (config.Server, config.Port, config.Address, config.HostsAllow.Length, config.SslServer, config.SslPort));
            Assert.Equal(
                "dom0-b has no /nonexistent/xend-config.sxp: xend there runs with its built-in defaults, which are shown (relocation server off), unless it was started with another file in XEND_CONFIG.",
                RelocationService.AbsentFileNote(config));
        }
    }
}
