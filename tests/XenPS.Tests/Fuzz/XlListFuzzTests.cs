using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using CsCheck;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Fuzz
{
    /// <summary>DomainTableParser (<c>xl list</c>, <c>xm list</c>) and XlDomainParser (<c>xl list -l</c> JSON with its stderr) on hostile text.</summary>
    public class XlListFuzzTests
    {
        private static readonly string[] TableVocabulary =
        {
            "Name", "ID", "Mem", "Mem(MiB)", "VCPUs", "State", "Time(s)", "Domain-0", "guest--incoming", "migrating-guest", "r-----", "-b----",
            "------", "0", "1", "512", "4096", "12.3",
        };

        private static readonly string[] JsonVocabulary =
        {
            "[", "]", "{", "}", ",", ":", "\"domid\"", "\"config\"", "\"c_info\"", "\"b_info\"", "\"name\"", "\"type\"", "\"max_memkb\"",
            "\"disks\"", "\"nics\"", "\"pcidevs\"", "\"bdf\"", "\"pdev_path\"", "\"readwrite\"", "\"\\ud800\"", "\"\\udc00\"",
            "Domain 5:Fail to get domain configuration",
        };

        /// <summary>JSON values that a member may hold instead of the one libxl prints: every other type, overflowing numbers, broken escapes.</summary>
        private static readonly string[] JsonReplacements =
        {
            "\"x\"", "\"\"", "\"99999999999999999999\"", "\"-5\"", "99999999999999999999", "-99999999999999999999", "-1", "1e400", "1.5",
            "null", "true", "[]", "{}", "[[[1]]]", "[{}]", "\"\\ud800\"", "\"a\\udc00\"", "\"\\u0000\"", "{\"domid\":\"x\"}",
            string.Concat(Enumerable.Repeat("[", 60)) + string.Concat(Enumerable.Repeat("]", 60)),
        };

        private static readonly IReadOnlyList<string> Tables = FuzzInput.Captures("xl-list.*.txt", "xm-list.*.txt");

        private static readonly string StaleCapture = ReferenceSamples.Read("xl-list-l.xen-4.17.5-stale-incoming-stderr-and-json.txt");

        private static readonly IReadOnlyList<string> Listings = FuzzInput.Captures("xl-list-l.*.json")
            .Append(StaleCapture.Substring(StaleCapture.IndexOf("\n[", System.StringComparison.Ordinal) + 1))
            .ToList();

        private static readonly Gen<string> Table = FuzzInput.Hostile(Tables, TableVocabulary, FuzzInput.AllBrackets);

        private static readonly Gen<string> Json = Gen.Frequency(
            (3, JsonTypeChanges()),
            (3, FuzzInput.Hostile(Listings, JsonVocabulary, FuzzInput.JsonBrackets)),
            (1, Gen.OneOfConst(Listings.ToArray())));

        private static readonly Gen<string> Stderr = Gen.Frequency(
            (2, FuzzInput.Mutants(new[] { StaleCapture.Substring(0, StaleCapture.IndexOf("\n[", System.StringComparison.Ordinal) + 1) })),
            (1, FuzzInput.Soup(JsonVocabulary)),
            (1, Gen.Const("")));

        [Fact]
        public void DomainTablesGiveRowsOrRefuse()
        {
            ParserContract.Holds(Table, DomainTableParser.Parse, rows => Assert.All(rows, row =>
            {
                Assert.NotNull(row.Name);
                Assert.NotEmpty(row.StateFlags);
            }), 2000);
        }

        [Fact]
        public void XlListingsGiveDomainsOrRefuse()
        {
            ParserContract.Holds(Gen.Select(Gen.OneOf(Table, Gen.OneOfConst(Tables.ToArray())), Json, Stderr), input =>
            {
                var warnings = new List<string>();
                return (Domains: XlDomainParser.Parse(input.Item1, input.Item2, "dom0", input.Item3, warnings), Warnings: warnings);
            }, result =>
            {
                Assert.All(result.Warnings, warning => Assert.StartsWith("dom0: ", warning));
                Assert.All(result.Domains, domain =>
                {
                    Assert.NotNull(domain.Name);
                    Assert.All(domain.Disks, disk => Assert.NotNull(disk.Mode));
                    Assert.All(domain.PciDevices, pci => Assert.Matches(ParserContract.PciAddress, pci));
                });
            }, 2000, input => $"table {FuzzInput.Show(input.Item1)}, json {FuzzInput.Show(input.Item2)}, stderr {FuzzInput.Show(input.Item3)}");
        }

        /// <summary>
        /// A listing in which one to four values are replaced by a value of another type. The replacement goes in as a placeholder
        /// and is put in the text afterwards, so that values JSON writers refuse (a lone surrogate escape) reach the parser too.
        /// </summary>
        private static Gen<string> JsonTypeChanges() =>
            Gen.Select(Gen.Int[0, Listings.Count - 1], Gen.Select(Gen.UInt, Gen.OneOfConst(JsonReplacements)).Array[1, 4], (seed, changes) =>
            {
                var root = JsonNode.Parse(Listings[seed])!;
                var values = Descendants(root).ToList();
                for (var i = 0; i < changes.Length; i++)
                {
                    var (parent, key, index) = values[(int)(changes[i].Item1 % (uint)values.Count)];
                    JsonNode placeholder = JsonValue.Create($"@@{i}@@");
                    if (parent is JsonObject o) o[key!] = placeholder;
                    else parent.AsArray()[index] = placeholder;
                }
                var text = root.ToJsonString();
                for (var i = 0; i < changes.Length; i++) text = text.Replace($"\"@@{i}@@\"", changes[i].Item2);
                return text;
            });

        /// <summary>Every value below <paramref name="node"/> with the place that holds it.</summary>
        private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Descendants(JsonNode node)
        {
            if (node is JsonObject o)
            {
                foreach (var member in o.ToList())
                {
                    yield return (o, member.Key, 0);
                    if (member.Value != null) foreach (var d in Descendants(member.Value)) yield return d;
                }
            }
            else if (node is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, null, i);
                    if (a[i] != null) foreach (var d in Descendants(a[i]!)) yield return d;
                }
            }
        }
    }
}
