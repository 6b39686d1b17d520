using System.Linq;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class DomainTableParserTests
    {
        private static (string Name, int? Id, long Mem, int VCpus, string State, double Time) Row(DomainRow r) =>
            (r.Name, r.Id, r.MemoryMB, r.VCpus, r.StateFlags, r.CpuTimeSeconds);

        [Fact]
        public void ReadsTheXm401TableOfFourDomains()
        {
            var rows = DomainTableParser.Parse(ReferenceSamples.Read("xm-list.xen-4.0.1-debian-ganeti-four-instances.txt"));

            Assert.Equal(
                new[]
                {
                    ("Domain-0", (int?)0, 1023L, 1, "r-----", 154706.1),
                    ("server01.example.com", 1, 1024L, 1, "-b----", 167643.2),
                    ("web3106215069.example.com", 3, 4096L, 1, "-b----", 466690.9),
                    ("testinstance.example.com", 2, 2048L, 2, "r-----", 244443.0),
                },
                rows.Select(Row));
        }

        [Fact]
        public void ReadsTheXlHeaderWithRealTabs()
        {
            var text = ReferenceSamples.Read("xl-list.xen-4.17.5-debian12-x86_64-qemu.txt");
            Assert.Contains("VCPUs\tState\tTime(s)", text);

            var rows = DomainTableParser.Parse(text);

            Assert.Equal(new[] { ("Domain-0", (int?)0, 1024L, 2, "r-----", 374.8), ("tiny", 1, 128L, 1, "r-----", 9.7) }, rows.Select(Row));
        }

        [Fact]
        public void ReadsTheXlHeaderWithTabsExpanded()
        {
            var text = ReferenceSamples.Read("xl-list.xen-4.17.0-yocto-aarch64.txt");
            Assert.DoesNotContain("\t", text);

            var row = Assert.Single(DomainTableParser.Parse(text));

            Assert.Equal(("Domain-0", (int?)0, 1500L, 1, "r-----", 123.5), Row(row));
        }

        [Fact]
        public void ReadsTheOldXm30Layout()
        {
            const string text = "Name                              ID Mem(MiB) VCPUs State  Time(s)\n"
                + "Domain-0                           0      251     1 r-----    172.2\n"
                + "vm1                                3      128     1 -b----     12.0\n";

            var rows = DomainTableParser.Parse(text);

            Assert.Equal(new[] { ("Domain-0", (int?)0, 251L, 1, "r-----", 172.2), ("vm1", 3, 128L, 1, "-b----", 12.0) }, rows.Select(Row));
        }

        [Fact]
        public void ReadsNamesLongerThanTheirColumnAndNamesWithSpaces()
        {
            var longName = "a-very-long-domain-name-that-overflows-the-forty-columns.example.com";
            var text = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
                + $"{longName} 12  2048     2     -b----  12345678.9\n"
                + "my guest                                    13   512     1     --p---       0.0\n";

            var rows = DomainTableParser.Parse(text);

            Assert.Equal((longName, (int?)12, 2048L, 2, "-b----", 12345678.9), Row(rows[0]));
            Assert.Equal(("my guest", (int?)13, 512L, 1, "--p---", 0.0), Row(rows[1]));
        }

        [Fact]
        public void ReadsADyingNullDomainAndABlankId()
        {
            var text = "Name                                        ID   Mem VCPUs      State   Time(s)\n"
                + "(null)                                      4     0     1     --ps-d       3.1\n"
                + "stopped                                           512     1     ------       0.0\n";

            var rows = DomainTableParser.Parse(text);

            Assert.Equal(("(null)", (int?)4, 0L, 1, "--ps-d", 3.1), Row(rows[0]));
            Assert.Equal(("stopped", (int?)null, 512L, 1, "------", 0.0), Row(rows[1]));
        }

        [Fact]
        public void IgnoresLinesBeforeTheHeaderBlankLinesAndCarriageReturns()
        {
            var text = "dom0-a\r\n\r\nName ID Mem VCPUs State Time(s)\r\nDomain-0 0 1024 2 r----- 1.5   \r\n\r\n";

            var row = Assert.Single(DomainTableParser.Parse(text));

            Assert.Equal(("Domain-0", (int?)0, 1024L, 2, "r-----", 1.5), Row(row));
        }

        [Fact]
        public void AHeaderAloneHasNoRows()
        {
            Assert.Empty(DomainTableParser.Parse("Name                                        ID   Mem VCPUs\tState\tTime(s)\n"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("Error: xend not running\n")]
        [InlineData("{ \"domid\": 0 }")]
        public void TextWithoutAHeaderIsRejected(string text)
        {
            var e = Assert.Throws<XenParseException>(() => DomainTableParser.Parse(text));

            Assert.Contains("header", e.Message);
        }

        [Fact]
        public void ARowThatIsNotADomainIsRejectedWithItsLineNumber()
        {
            var e = Assert.Throws<XenParseException>(() => DomainTableParser.Parse("Name ID Mem VCPUs State Time(s)\nDomain-0 0 1024 2 r----- 1.5\nlibxl: error: oops\n"));

            Assert.Contains("Line 3", e.Message);
            Assert.Contains("libxl: error: oops", e.Message);
        }
    }
}
