using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    /// <summary>Every capture of a kind parses into complete objects, so a sample added later is covered without a new test.</summary>
    public class ReferenceSampleCoverageTests
    {
        public static IEnumerable<object[]> XmListLong() => ReferenceSamples.Cases("xm-list-long.*");

        public static IEnumerable<object[]> Tables() => ReferenceSamples.Cases("xm-list.*").Concat(ReferenceSamples.Cases("xl-list.*"));

        public static IEnumerable<object[]> XlJson() => ReferenceSamples.Cases("xl-list-l.*.json");

        [Fact]
        public void TheReferenceFolderHoldsEveryKindOfSample()
        {
            foreach (var pattern in new[] { "xm-list-long.*", "xm-list.*", "xm-info.*", "xl-info.*", "xl-list.*", "xl-list-l.*.json" })
            {
                Assert.NotEmpty(ReferenceSamples.Names(pattern));
            }
        }

        [Theory]
        [MemberData(nameof(XmListLong))]
        public void EveryXmListLongSampleGivesNamedRunningDomainsWithUuids(string sample)
        {
            var domains = XmDomainParser.Parse(ReferenceSamples.Read(sample), "h");

            Assert.NotEmpty(domains);
            Assert.All(domains, d =>
            {
                Assert.NotEqual("", d.Name);
                Assert.NotNull(d.Id);
                Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", d.Uuid);
                Assert.True(d.MemoryMB > 0);
                Assert.True(d.VCpus > 0);
                Assert.Matches("^[r-][b-][p-][s-][c-][d-]$", d.StateFlags);
                Assert.NotEqual(XenDomainType.Unknown, d.Type);
                Assert.All(d.Disks, disk => Assert.NotEqual("", disk.Target));
                Assert.All(d.Vifs, vif => Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", vif.Mac));
            });
        }

        [Theory]
        [MemberData(nameof(Tables))]
        public void EveryListTableGivesOneRowPerLineAfterTheHeader(string sample)
        {
            var text = ReferenceSamples.Read(sample);

            var rows = DomainTableParser.Parse(text);

            Assert.Equal(text.Split('\n').Count(l => l.Trim().Length > 0) - 1, rows.Count);
            Assert.Equal("Domain-0", rows[0].Name);
            Assert.Equal(0, rows[0].Id);
            Assert.All(rows, r => Assert.Matches("^[r-][b-][p-][s-][-rscwS?][d-]$", r.StateFlags));
        }

        [Theory]
        [MemberData(nameof(XlJson))]
        public void EveryXlJsonSampleJoinsWithTheTableCapturedWithIt(string sample)
        {
            // A version may have several `xl list` captures (a healthy host, one after a failed migration): the table taken
            // with a JSON sample is the one of the same version that lists every domid of that JSON.
            var version = Regex.Match(sample, @"xen-[0-9]+(\.[0-9]+)+").Value;
            var json = ReferenceSamples.Read(sample);
            var domids = JsonDocument.Parse(json).RootElement.EnumerateArray().Select(d => (int?)d.GetProperty("domid").GetInt32()).ToList();
            var table = Assert.Single(ReferenceSamples.Names("xl-list." + version + "-*"),
                name => domids.All(DomainTableParser.Parse(ReferenceSamples.Read(name)).Select(r => r.Id).Contains));

            var domains = XlDomainParser.Parse(ReferenceSamples.Read(table), json, "h");

            Assert.NotEmpty(domains);
            Assert.All(domains, d => Assert.NotEqual(XenDomainType.Unknown, d.Type));
            Assert.All(domains, d => Assert.True(d.MaxMemoryMB >= d.MemoryMB));
            Assert.All(domains.Where(d => !d.IsDom0), d => Assert.NotNull(d.Uuid));
        }
    }
}
