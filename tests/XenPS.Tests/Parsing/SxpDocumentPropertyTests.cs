using System.Linq;
using CsCheck;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class SxpDocumentPropertyTests
    {
        private static readonly string[] Keys = { "alpha", "beta", "xend-relocation-port" };

        private static readonly Gen<string> Bare = Gen.Char["abcxyz019._:/-"].Array[1, 8].Select(c => new string(c));

        /// <summary>Quote-heavy content: backslashes, both quotes, brackets, '#', whitespace, control and non-ASCII characters.</summary>
        private static readonly Gen<string> Content = Gen.Char["\\'\"()#;[] \t\nab.$^é\u0001\u007f"].Array[0, 12].Select(c => new string(c));

        private static readonly Gen<string> DoubleQuoted = Content.Select(s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");

        private static readonly Gen<string> Atom = Gen.OneOf(Bare, Content.Select(SxpNode.Quote), DoubleQuoted);

        private static readonly Gen<string> Space = Gen.OneOfConst(" ", "  ", "\t", "\n    ", "\r\n ");

        private static readonly Gen<string> Trivia = Gen.OneOf(
            Gen.OneOfConst("\n", "\r\n", "   ", "\t", "\n\n", "#(alpha 1)\n", "#  (beta 'x')\n", "  #(xend-relocation-port 8002)\r\n"),
            Content.Select(s => "# " + s.Replace("\n", " ") + "\n"));

        private static Gen<string> List(int depth)
        {
            var item = depth == 0 ? Atom : Gen.OneOf(Atom, Atom, List(depth - 1));
            return Gen.Select(Gen.OneOf(Gen.OneOfConst(Keys), Bare), Gen.Select(Space, item, (s, i) => s + i).Array[0, 4], Gen.OneOfConst("", " ", "\n"),
                (name, items, end) => "(" + name + string.Concat(items) + end + ")");
        }

        private static readonly Gen<string> Text =
            Gen.OneOf(Trivia, Trivia, List(2).Select(e => e + "\n"), List(2)).Array[0, 12].Select(string.Concat);

        [Fact]
        public void ParseGivesBackTheTextAndWrittenValuesReadBack()
        {
            Gen.Select(Text, Gen.OneOfConst(Keys), Gen.OneOf(Bare.Select(v => (v, SxpValueStyle.Bare)), Content.Select(v => (v, SxpValueStyle.SingleQuoted))))
                .Sample((text, key, written) =>
                {
                    var document = SxpDocument.Parse(text);
                    Assert.Equal(text, document.ToString());

                    var edited = document.WithValue(key, written.Item1, written.Item2);

                    Assert.Equal(edited.ToString(), SxpDocument.Parse(edited.ToString()).ToString());
                    Assert.Equal(written.Item1, edited.GetValue(key));
                    Assert.Equal(
                        document.Settings.Where(s => s.Key != key).Select(s => s.Text),
                        edited.Settings.Where(s => s.Key != key).Select(s => s.Text));
                    Assert.Equal(text, document.ToString());
                    Assert.Equal(edited.ToString() == text, SxpDocument.Diff(document, edited).Count == 0);
                }, iter: 2000);
        }
    }
}
