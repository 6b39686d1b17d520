using System.Linq;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class SxpReaderTests
    {
        [Fact]
        public void ReadsNestedListsAtomsAndEmptyElements()
        {
            var nodes = SxpReader.Parse("(domain\n    (domid 5)\n    (bootloader )\n    (image (linux (kernel ) (tsc_mode 0)))\n)\n");

            var domain = Assert.Single(nodes);
            Assert.Equal("domain", domain.Name);
            Assert.Equal("5", domain.ChildValue("domid"));
            var bootloader = domain.Child("bootloader");
            Assert.NotNull(bootloader);
            Assert.Single(bootloader!.Items);
            Assert.Null(domain.ChildValue("bootloader"));
            var linux = domain.Child("image")!.Child("linux")!;
            Assert.Equal("0", linux.ChildValue("tsc_mode"));
            Assert.Null(linux.ChildValue("kernel"));
            Assert.Null(domain.Child("missing"));
            Assert.Null(domain.ChildValue("missing"));
        }

        [Fact]
        public void AListThatStartsWithAListHasNoName()
        {
            var cpus = SxpReader.Parse("(cpus ((0 1 2) (0 1 2)))").Single();

            var affinity = cpus.Items[1];
            Assert.False(affinity.IsAtom);
            Assert.Null(affinity.Name);
            Assert.Equal(new[] { "0", "1", "2" }, affinity.Items[0].Items.Select(i => i.Value));
            Assert.Null(cpus.ChildValue("cpus"));
            Assert.Empty(cpus.Items[0].Items);
        }

        [Fact]
        public void ChildrenReturnsEveryElementWithTheNameInOrder()
        {
            var pci = SxpReader.Parse("(pci (dev (bus 0x01)) (uuid x) (dev (bus 0x02)))").Single();

            Assert.Equal(new[] { "0x01", "0x02" }, pci.Children("dev").Select(d => d.ChildValue("bus")));
            Assert.Empty(pci.Children("vbd"));
        }

        [Fact]
        public void SkipsCommentsOutsideQuotesOnly()
        {
            var nodes = SxpReader.Parse("# comment (not a list\n(a 1) # trailing ) comment\n(b '# kept')#(c 3)\n");

            Assert.Equal(new[] { "a", "b" }, nodes.Select(n => n.Name));
            Assert.Equal("# kept", nodes[1].Items[1].Value);
        }

        [Fact]
        public void AHashEndsABareAtomAndStartsAComment()
        {
            var node = SxpReader.Parse("(a b#c d)\n)").Single();

            Assert.Equal(new[] { "a", "b" }, node.Items.Select(i => i.Value));
        }

        [Theory]
        [InlineData(@"(x '^192\\.0\\.100\\.[0-9]+$')", @"^192\.0\.100\.[0-9]+$")]
        [InlineData(@"(x ""say \""hi\"""")", "say \"hi\"")]
        [InlineData(@"(x 'it\'s')", "it's")]
        [InlineData(@"(x 'a\tb\nc')", "a\tb\nc")]
        [InlineData(@"(x '\x41\101\0')", "AA\0")]
        [InlineData(@"(x '\d+')", @"\d+")]
        [InlineData(@"(x 'no \x escape')", @"no \x escape")]
        [InlineData("(x '')", "")]
        [InlineData("(x \"\")", "")]
        [InlineData("(x 'ro root=/dev/VolGroup00/LogVol00 rhgb quiet')", "ro root=/dev/VolGroup00/LogVol00 rhgb quiet")]
        [InlineData("(x 'two\nlines')", "two\nlines")]
        [InlineData("(x a'b)", "a'b")]
        public void ReadsQuotedStringsWithBackslashEscapes(string text, string expected)
        {
            Assert.Equal(expected, SxpReader.Parse(text).Single().Items[1].Value);
        }

        [Theory]
        [InlineData(@"(x '\\')", @"\")]
        [InlineData(@"(x '\'lead')", "'lead")]
        [InlineData(@"(x 'trail\'')", "trail'")]
        [InlineData(@"(x 'a\n\t\\\'b')", "a\n\t\\'b")]
        [InlineData(@"(x ""mixed 'quotes' \"" here"")", "mixed 'quotes' \" here")]
        [InlineData(@"(x 'octal \1012 stops at three digits')", "octal A2 stops at three digits")]
        [InlineData(@"(x '\x4g')", "\u0004g")]
        [InlineData("(x 'line\\\nbreak')", "line\\\nbreak")]
        public void ResolvesEscapesAnywhereInAString(string text, string expected)
        {
            Assert.Equal(expected, SxpReader.Parse(text).Single().Items[1].Value);
        }

        [Fact]
        public void ARepeatedAtomReadsTheSameWhetherBareOrQuoted()
        {
            var node = SxpReader.Parse("(a w 'w' \"w\" 'w\\x77' ww w)").Single();

            Assert.Equal(new[] { "a", "w", "w", "w", "ww", "ww", "w" }, node.Items.Select(i => i.Value));
        }

        [Fact]
        public void LongAtomsAreReadWhole()
        {
            var path = "/var/lib/xen/images/" + new string('p', 200) + ".img";

            var node = SxpReader.Parse($"(a {path} '{path}' {path})").Single();

            Assert.Equal(new[] { "a", path, path, path }, node.Items.Select(i => i.Value));
        }

        [Fact]
        public void ReadsListsNestedInEveryPosition()
        {
            var node = SxpReader.Parse("(a (b (c) ((d e)) ()) (f) ())").Single();

            Assert.Equal("(a (b (c) ((d e)) ()) (f) ())", node.ToString());
            Assert.Equal("e", node.Child("b")!.Items[2].Items[0].Items[1].Value);
            Assert.Empty(node.Items[3].Items);
        }

        [Fact]
        public void AnyWhitespaceSeparatesAtomsAndLists()
        {
            var nodes = SxpReader.Parse("\r\n\t(domain\r\n\t(name\ta)\u00a0(memory\v512)\f(vcpus\u2028 2 ))\r\n(b)");

            Assert.Equal(new[] { "domain", "b" }, nodes.Select(n => n.Name));
            Assert.Equal("a", nodes[0].ChildValue("name"));
            Assert.Equal("512", nodes[0].ChildValue("memory"));
            Assert.Equal("2", nodes[0].ChildValue("vcpus"));
        }

        [Theory]
        [InlineData("(domain\n    (name a)\n    (image (linux (kernel x))\n)\n", 1, 1, "never closed")]
        [InlineData("(a 'one\ntwo\\\nthree')\r\n\t(b \"x\\\"y\"))\n", 4, 12, "unbalanced")]
        [InlineData("(a 1)\n  (b 'ab\\", 2, 6, "never closed")]
        public void RefusesWithThePlaceOfTheProblem(string text, int line, int column, string problem)
        {
            var e = Assert.Throws<SxpParseException>(() => SxpReader.Parse(text));

            Assert.Equal(line, e.Line);
            Assert.Equal(column, e.Column);
            Assert.Contains(problem, e.Message);
        }

        [Fact]
        public void EveryCutOfACaptureReadsOrIsRefusedWithItsPlace()
        {
            var text = ReferenceSamples.Read("xm-list-long.xen-4.0.1-debian-ganeti.sxp");
            var whole = string.Join("\n", SxpReader.Parse(text));

            for (var length = 0; length < text.Length; length++)
            {
                var cut = text.Substring(0, length);
                var open = cut.Count(c => c == '(') - cut.Count(c => c == ')');
                if (open == 0)
                {
                    Assert.All(SxpReader.Parse(cut), node => Assert.Contains(node.ToString(), whole));
                    continue;
                }
                var e = Assert.Throws<SxpParseException>(() => SxpReader.Parse(cut));
                Assert.InRange(e.Line, 1, cut.Count(c => c == '\n') + 1);
                Assert.InRange(e.Column, 1, length);
            }
        }

        [Fact]
        public void ReadsAValueOnItsOwnLine()
        {
            var vbd = SxpReader.Parse("(vbd\n    (uname\n        phy:/var/run/ganeti/instance-disks/i1:0\n    )\n    (mode w)\n)").Single();

            Assert.Equal("phy:/var/run/ganeti/instance-disks/i1:0", vbd.ChildValue("uname"));
            Assert.Equal("w", vbd.ChildValue("mode"));
        }

        [Fact]
        public void KeepsStrayTopLevelAtomsAsAtoms()
        {
            var nodes = SxpReader.Parse("prompt$ (domain (name a))\nlogout\n");

            Assert.Equal(3, nodes.Count);
            Assert.True(nodes[0].IsAtom);
            Assert.Equal("a", nodes[1].ChildValue("name"));
            Assert.Equal("logout", nodes[2].Value);
        }

        [Fact]
        public void EmptyTextHasNoExpressions()
        {
            Assert.Empty(SxpReader.Parse(""));
            Assert.Empty(SxpReader.Parse("  \n# only a comment\n"));
        }

        [Fact]
        public void AnExtraClosingParenthesisIsReportedWhereItIs()
        {
            var e = Assert.Throws<SxpParseException>(() => SxpReader.Parse("(a 1)\n  (b 2))\n"));

            Assert.Equal(2, e.Line);
            Assert.Equal(8, e.Column);
            Assert.Contains("line 2, column 8", e.Message);
            Assert.Contains("unbalanced", e.Message);
        }

        [Fact]
        public void ListsNestedToTheLimitAreReadAndPrinted()
        {
            var text = new string('(', SxpReader.MaxNesting) + "x" + new string(')', SxpReader.MaxNesting);

            Assert.Equal(text, SxpReader.Parse(text).Single().ToString());
            Assert.Single(SxpDocument.Parse(text).Expressions);
        }

        [Fact]
        public void ListsNestedBeyondTheLimitAreReportedWhereTheyGoTooDeep()
        {
            var text = new string('(', 200000) + new string(')', 200000);

            foreach (var parse in new System.Action[] { () => SxpReader.Parse(text), () => SxpDocument.Parse(text) })
            {
                var e = Assert.Throws<SxpParseException>(parse);
                Assert.Equal(1, e.Line);
                Assert.Equal(SxpReader.MaxNesting + 1, e.Column);
                Assert.Contains("nested deeper than 1000 levels", e.Message);
            }
        }

        [Fact]
        public void AnUnterminatedStringIsReportedWhereItOpens()
        {
            var e = Assert.Throws<SxpParseException>(() => SxpReader.Parse("(a 1)\n(args 'ro root=/dev/xvda1)\n"));

            Assert.Equal(2, e.Line);
            Assert.Equal(7, e.Column);
            Assert.IsAssignableFrom<System.FormatException>(e);
        }

        [Fact]
        public void ToStringReadsBackToTheSameTree()
        {
            const string text = "(domain (name 'a b') (empty ) (args 'it\\'s \\\\ ok') (cpus ((0 1))) (q ''))";
            var node = SxpReader.Parse(text).Single();

            var again = SxpReader.Parse(node.ToString()).Single();

            Assert.Equal(node.ToString(), again.ToString());
            Assert.Equal("a b", again.ChildValue("name"));
            Assert.Equal("it's \\ ok", again.ChildValue("args"));
            Assert.Equal("", again.ChildValue("q"));
        }

        [Theory]
        [MemberData(nameof(XendConfigSamples))]
        public void ReadsEveryXendConfigSample(string sample)
        {
            var nodes = SxpReader.Parse(ReferenceSamples.Read(sample));

            Assert.NotEmpty(nodes);
            Assert.All(nodes, n => Assert.False(string.IsNullOrEmpty(n.Name)));
        }

        public static System.Collections.Generic.IEnumerable<object[]> XendConfigSamples() => ReferenceSamples.Cases("xend-config.*.sxp");

        [Fact]
        public void ReadsTheRelocationSettingsOfTheDebianUserConfig()
        {
            var nodes = SxpReader.Parse(ReferenceSamples.Read("xend-config.debian-xen-4.4-user-relocation.sxp"));
            string? Last(string name) => nodes.Last(n => n.Name == name).Items[1].Value;

            Assert.Equal("yes", Last("xend-relocation-server"));
            Assert.Equal("8002", Last("xend-relocation-port"));
            Assert.Equal("", Last("xend-relocation-address"));
            Assert.Equal(@"^192\.0\.100\.[0-9]+$", Last("xend-relocation-hosts-allow"));
            Assert.Equal("0", Last("total_available_memory"));
        }
    }
}
