using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class SxpDocumentTests
    {
        public static IEnumerable<object[]> XendConfigSamples() => ReferenceSamples.Cases("xend-config.*.sxp");

        private static readonly string[] RelocationKeys =
        {
            "xend-relocation-server", "xend-relocation-port", "xend-relocation-address",
            "xend-relocation-hosts-allow", "xend-relocation-ssl-server", "xend-relocation-ssl-port",
        };

        /// <summary>Per key: the value written, its style and how it must appear in the file.</summary>
        private static readonly Dictionary<string, (string Value, SxpValueStyle Style, string Written)> NewValues = new Dictionary<string, (string, SxpValueStyle, string)>
        {
            ["xend-relocation-server"] = ("no", SxpValueStyle.Bare, "no"),
            ["xend-relocation-port"] = ("8102", SxpValueStyle.Bare, "8102"),
            ["xend-relocation-address"] = ("10.0.0.1", SxpValueStyle.SingleQuoted, "'10.0.0.1'"),
            ["xend-relocation-hosts-allow"] = (@"^dom0-b\.lab$ ^192\.0\.100\.[0-9]+$", SxpValueStyle.SingleQuoted, @"'^dom0-b\\.lab$ ^192\\.0\\.100\\.[0-9]+$'"),
            ["xend-relocation-ssl-server"] = ("yes", SxpValueStyle.Bare, "yes"),
            ["xend-relocation-ssl-port"] = ("8103", SxpValueStyle.Bare, "8103"),
        };

        public static IEnumerable<object[]> SampleAndKey() =>
            from sample in ReferenceSamples.Names("xend-config.*.sxp")
            from key in RelocationKeys
            select new object[] { sample, key };

        [Fact]
        public void TheReferenceFolderHoldsXendConfigSamples()
        {
            Assert.NotEmpty(ReferenceSamples.Names("xend-config.*.sxp"));
        }

        [Theory]
        [MemberData(nameof(XendConfigSamples))]
        public void EverySampleRoundTripsByteForByte(string sample)
        {
            var text = ReferenceSamples.Read(sample);

            var document = SxpDocument.Parse(text);

            Assert.Equal(text, document.ToString());
            Assert.NotEmpty(document.Settings);
            Assert.All(document.Settings, s => Assert.StartsWith(s.Text, text.Split('\n')[s.Line - 1]));
        }

        [Theory]
        [MemberData(nameof(SampleAndKey))]
        public void EditingARelocationKeyChangesOnlyItsLine(string sample, string key)
        {
            var text = ReferenceSamples.Read(sample);
            Assert.EndsWith("\n", text);
            var (value, style, written) = NewValues[key];
            var element = "(" + key + " " + written + ")";
            var before = text.Split('\n').ToList();
            var active = before.FindIndex(l => Regex.IsMatch(l, @"^\s*\(" + Regex.Escape(key) + @"[\s)]"));
            var commented = before.FindLastIndex(l => Regex.IsMatch(l, @"^\s*#\s*\(" + Regex.Escape(key) + @"[\s)]"));
            var expected = new List<string>(before);
            if (active >= 0)
            {
                var line = before[active];
                expected[active] = line.Substring(0, line.IndexOf('(')) + element + line.Substring(line.LastIndexOf(')') + 1);
            }
            else if (commented >= 0)
            {
                expected.Insert(commented + 1, element);
            }
            else
            {
                expected.Insert(expected.Count - 1, element);
            }

            var edited = SxpDocument.Parse(text).WithValue(key, value, style);

            Assert.Equal(expected, edited.ToString().Split('\n'));
            Assert.Equal(value, edited.GetValue(key));
            var change = Assert.Single(SxpDocument.Diff(SxpDocument.Parse(text), edited));
            Assert.Equal(element, change.NewText);
        }

        [Fact]
        public void KeepsCrLfTabsTrailingSpacesAndAMissingFinalNewline()
        {
            const string text = "# -*- sh -*-\r\n\t(total_available_memory 0) \r\n(a 'x y')  # note\r\n\r\n   \n(b\n  (c \"q\\\"\"))";

            var document = SxpDocument.Parse(text);

            Assert.Equal(text, document.ToString());
            Assert.Equal(new[] { "total_available_memory", "a", "b" }, document.Settings.Select(s => s.Key));
            Assert.Equal(new[] { 2, 3, 6 }, document.Settings.Select(s => s.Line));
            Assert.Equal("(b\n  (c \"q\\\"\"))", document.Settings[2].Text);
            Assert.Equal("x y", document.GetValue("a"));
            Assert.Null(document.GetValue("b"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("# only a comment")]
        [InlineData("\n\n")]
        public void TextWithoutExpressionsRoundTrips(string text)
        {
            var document = SxpDocument.Parse(text);

            Assert.Equal(text, document.ToString());
            Assert.Empty(document.Settings);
        }

        [Fact]
        public void XendUsesTheFirstActiveOccurrenceAndAnEmptyElementHasNoValue()
        {
            var document = SxpDocument.Parse("#(port 1)\n(port 2)\n(port 3)\n(empty )\n(list (a b))\nstray\n");

            Assert.Equal("2", document.GetValue("port"));
            Assert.Equal(2, document.GetSetting("port")!.Line);
            Assert.Null(document.GetValue("empty"));
            Assert.Null(document.GetValue("list"));
            Assert.Null(document.GetValue("missing"));
            Assert.Null(document.GetSetting("missing"));
            Assert.Equal(new[] { "port", "port", "empty", "list" }, document.Settings.Select(s => s.Key));
        }

        [Theory]
        [InlineData(@"(k '^192\\.0\\.100\\.[0-9]+$')", @"^192\.0\.100\.[0-9]+$")]
        [InlineData(@"(k '^a\.b$')", @"^a\b$")]
        [InlineData(@"(k '\d+')", @"\+")]
        [InlineData(@"(k 'it\'s')", "it's")]
        [InlineData(@"(k ""say \""hi\"""")", "say \"hi\"")]
        [InlineData(@"(k '\x41\101\0')", "AA\0")]
        [InlineData(@"(k '\x4A\x4a\x7f')", "@@u")]
        [InlineData("(k a\u00e9)", "a\u00e9")]
        [InlineData(@"(k a[b])", "a")]
        [InlineData(@"(k a;b)", "a")]
        [InlineData(@"(k a\b)", @"a\b")]
        [InlineData("(k '')", "")]
        public void ReadsValuesExactlyAsXendDoes(string text, string expected)
        {
            Assert.Equal(expected, SxpDocument.Parse(text).GetValue("k"));
        }

        [Theory]
        [InlineData(@"(k '\x4')")]
        [InlineData(@"(k '\xg0')")]
        [InlineData(@"(k '\777')")]
        [InlineData("(k \u00e9)")]
        [InlineData("(k \u0001)")]
        [InlineData("(k 'open)\n")]
        [InlineData("(k 1))")]
        [InlineData("(k (1)")]
        public void RefusesTextXendCannotRead(string text)
        {
            Assert.Throws<SxpParseException>(() => SxpDocument.Parse(text));
        }

        [Fact]
        public void ReplacesInPlaceKeepingIndentationAndTheRestOfTheLine()
        {
            var document = SxpDocument.Parse("(a 1)\n  (k   8002)  # the port\n(b 2)\n");

            var edited = document.WithValue("k", "8003", SxpValueStyle.Bare);

            Assert.Equal("(a 1)\n  (k 8003)  # the port\n(b 2)\n", edited.ToString());
            Assert.Equal("(a 1)\n  (k   8002)  # the port\n(b 2)\n", document.ToString());
            Assert.Equal("8002", document.GetValue("k"));
        }

        [Fact]
        public void ReplacesEveryActiveOccurrenceSoTheFileCannotContradictItself()
        {
            var edited = SxpDocument.Parse("(k 1)\n(a 1)\n(k\n  2)\n").WithValue("k", "3", SxpValueStyle.Bare);

            Assert.Equal("(k 3)\n(a 1)\n(k 3)\n", edited.ToString());
        }

        [Theory]
        [InlineData("#(k 1)\n# more\n", "#(k 1)\n(k 2)\n# more\n")]
        [InlineData("#  (k 1)\n", "#  (k 1)\n(k 2)\n")]
        [InlineData("  #(k 1)\n", "  #(k 1)\n  (k 2)\n")]
        [InlineData("#(k)\n", "#(k)\n(k 2)\n")]
        [InlineData("#(k 1)\n(a 1)\n#(k 0)\n(b 1)\n", "#(k 1)\n(a 1)\n#(k 0)\n(k 2)\n(b 1)\n")]
        [InlineData("#(k 1)\r\n(a 1)\r\n", "#(k 1)\r\n(k 2)\r\n(a 1)\r\n")]
        [InlineData("(a 1)\n#(k 1)", "(a 1)\n#(k 1)\n(k 2)\n")]
        [InlineData("#(k-other 1)\n#(kk 1)\n# (k is a word)\n", "#(k-other 1)\n#(kk 1)\n# (k is a word)\n(k 2)\n")]
        public void InsertsAfterTheLastCommentedOccurrence(string text, string expected)
        {
            Assert.Equal(expected, SxpDocument.Parse(text).WithValue("k", "2", SxpValueStyle.Bare).ToString());
        }

        [Fact]
        public void ACommentInsideAnExpressionIsNotAnInsertionPoint()
        {
            var edited = SxpDocument.Parse("(a\n#(k 1)\n  1)\n").WithValue("k", "2", SxpValueStyle.Bare);

            Assert.Equal("(a\n#(k 1)\n  1)\n(k 2)\n", edited.ToString());
        }

        [Theory]
        [InlineData("(a 1)\n", "(a 1)\n(k 2)\n")]
        [InlineData("(a 1)", "(a 1)\n(k 2)\n")]
        [InlineData("(a 1)\r\n", "(a 1)\r\n(k 2)\r\n")]
        [InlineData("(a 1)\r\n(b 1)", "(a 1)\r\n(b 1)\r\n(k 2)\r\n")]
        [InlineData("", "(k 2)\n")]
        public void AppendsWhenTheKeyIsNowhere(string text, string expected)
        {
            Assert.Equal(expected, SxpDocument.Parse(text).WithValue("k", "2", SxpValueStyle.Bare).ToString());
        }

        [Theory]
        [InlineData(@"^a\.b$", @"'^a\\.b$'")]
        [InlineData("it's", @"'it\'s'")]
        [InlineData("", "''")]
        [InlineData("a b", "'a b'")]
        [InlineData("a\nb\tc\u0001\u007f", @"'a\nb\tc\001\177'")]
        [InlineData("\"(#)\"", "'\"(#)\"'")]
        public void WritesSingleQuotedValuesThatReadBack(string value, string written)
        {
            var edited = SxpDocument.Parse("(k 1)\n").WithValue("k", value, SxpValueStyle.SingleQuoted);

            Assert.Equal("(k " + written + ")\n", edited.ToString());
            Assert.Equal(value, edited.GetValue("k"));
            Assert.Equal(value, SxpReader.Parse(edited.ToString()).Single().Items[1].Value);
        }

        [Theory]
        [InlineData("")]
        [InlineData("a b")]
        [InlineData("a(b")]
        [InlineData("'a'")]
        [InlineData("a#b")]
        [InlineData("a[0]")]
        [InlineData(@"a\b")]
        public void RefusesValuesThatCannotBeBare(string value)
        {
            var e = Assert.Throws<ArgumentException>(() => SxpDocument.Parse("").WithValue("k", value, SxpValueStyle.Bare));

            Assert.Contains("single-quoted", e.Message);
        }

        [Theory]
        [InlineData("")]
        [InlineData("a b")]
        [InlineData("(k)")]
        public void RefusesKeysThatAreNotBareWords(string key)
        {
            Assert.Throws<ArgumentException>(() => SxpDocument.Parse("").WithValue(key, "1", SxpValueStyle.Bare));
        }

        [Fact]
        public void DiffOfEqualDocumentsIsEmpty()
        {
            var text = ReferenceSamples.Read("xend-config.xen-4.0.0.sxp");

            Assert.Empty(SxpDocument.Diff(SxpDocument.Parse(text), SxpDocument.Parse(text)));
        }

        [Fact]
        public void DiffNumbersChangedAndInsertedLinesInTheNewTextAndRemovedOnesInTheOld()
        {
            var before = SxpDocument.Parse("#(k 1)\n(a 1)\n(b 1)\n(c 1)\n(d 1)\n");
            var after = SxpDocument.Parse("#(k 1)\n(k 2)\n(a 1)\n(b 2)\n(d 1)\n(e 1)");

            var changes = SxpDocument.Diff(before, after);

            Assert.Equal(
                new[] { "line 2: + (k 2)", "line 4: (b 1) -> (b 2)", "line 4: - (c 1)", "line 6: + (e 1)" },
                changes.Select(c => c.ToString()));
            Assert.Null(changes[0].OldText);
            Assert.Equal("(b 1)", changes[1].OldText);
            Assert.Equal("(b 2)", changes[1].NewText);
            Assert.Null(changes[2].NewText);
        }

        [Fact]
        public void DiffShowsTheRelocationChangesOfASample()
        {
            var before = SxpDocument.Parse(ReferenceSamples.Read("xend-config.suse-11.sxp"));
            var after = before
                .WithValue("xend-relocation-server", "yes", SxpValueStyle.Bare)
                .WithValue("xend-relocation-hosts-allow", @"^dom0-b\.lab$", SxpValueStyle.SingleQuoted);

            var changes = SxpDocument.Diff(before, after);

            Assert.Equal(
                new[] { "line 67: + (xend-relocation-server yes)", @"line 131: (xend-relocation-hosts-allow '^localhost$ ^localhost\\.localdomain$') -> (xend-relocation-hosts-allow '^dom0-b\\.lab$')" },
                changes.Select(c => c.ToString()));
            Assert.Equal("#(xend-relocation-server no)", after.ToString().Split('\n')[65]);
        }
    }
}
