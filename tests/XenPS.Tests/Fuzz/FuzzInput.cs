using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;

namespace XenPS.Tests.Fuzz
{
    /// <summary>
    /// Hostile text for the parsers: the real captures of <c>tests/reference</c> damaged the ways a truncated transfer, a
    /// confused toolstack or a hostile host damages them, words of the parser's own vocabulary in random order, deep nesting,
    /// and random characters.
    /// </summary>
    internal static class FuzzInput
    {
        /// <summary>Numbers that overflow int and long, negatives, exponents, non-ASCII digits that <c>\d</c> matches but int.Parse refuses.</summary>
        public static readonly string[] Numbers =
        {
            "99999999999999999999", "-99999999999999999999", "2147483648", "-2147483649", "9223372036854775808", "-1", "0", "-0",
            "1e400", "1.5", "NaN", "Infinity", "0x", "0xFFFFFFFFF", "\u0663\u0664", "\uff11\uff12", "00000000000000000000000000000001",
        };

        /// <summary>Structure characters of every format read here, control characters, lone surrogates and Unicode white space.</summary>
        public static readonly string[] Tokens = Numbers.Concat(new[]
        {
            "null", "true", "false", "[]", "{}", "[[[[]]]]", "\"\"", "\"x\"", "(", ")", "[", "]", "{", "}", "'", "\"", "\\", "\\x", "\\777",
            "\0", "\uD800", "\uDC00", "\uDBFF\uDFFF", "\r", "\n", "\r\n", "\t", "#", ":", "=", ",", "%", "rc:", " ", "\u2028", "\u0085",
            "\u00a0", "\ufeff", "\x1b[2J", "\u202e",
        }).ToArray();

        /// <summary>The lists of S-expressions, bare and as the elements xend prints.</summary>
        public static readonly (string Open, string Close)[] Parentheses = { ("(", ")"), ("(a ", ")"), ("((domain ", "))") };

        /// <summary>JSON arrays and objects.</summary>
        public static readonly (string Open, string Close)[] JsonBrackets = { ("[", "]"), ("{\"a\":", "}") };

        /// <summary>Both, for line formats in which brackets are only text.</summary>
        public static readonly (string Open, string Close)[] AllBrackets = Parentheses.Concat(JsonBrackets).ToArray();

        private static readonly Gen<string> Token = Gen.OneOfConst(Tokens);

        private static readonly Gen<char> OddChar = Gen.OneOf(Gen.Char, Gen.Char["\0\uD800\uDFFF\r\n\t()[]{}'\"\\#:=,% \u0085\u2028\x7f"]);

        /// <summary>
        /// One change to a text: a character replaced or one of its bits flipped, the text cut at any position (its head or its
        /// tail kept), a run deleted, a token inserted, a number swapped for one of <see cref="Numbers"/>, a run of up to 20,000
        /// copies of a character inserted, or a line duplicated, deleted or swapped with another. Positions are taken modulo the
        /// text's length, so every change applies to any text.
        /// </summary>
        private static readonly Gen<Func<string, string>> Mutation = Gen.OneOf(
            Gen.Select(Gen.UInt, OddChar, (at, c) => (Func<string, string>)(s => s.Length == 0 ? c.ToString() : s.Remove(Pos(at, s.Length - 1), 1).Insert(Pos(at, s.Length - 1), c.ToString()))),
            Gen.Select(Gen.UInt, Gen.Int[0, 15], (at, bit) => (Func<string, string>)(s => s.Length == 0 ? s : FlipBit(s, Pos(at, s.Length - 1), bit))),
            Gen.UInt.Select(at => (Func<string, string>)(s => s.Substring(0, Pos(at, s.Length)))),
            Gen.UInt.Select(at => (Func<string, string>)(s => s.Substring(Pos(at, s.Length)))),
            Gen.Select(Gen.UInt, Gen.Int[1, 64], (at, n) => (Func<string, string>)(s => s.Remove(Pos(at, s.Length), Math.Min(n, s.Length - Pos(at, s.Length))))),
            Gen.Select(Gen.UInt, Token, (at, token) => (Func<string, string>)(s => s.Insert(Pos(at, s.Length), token))),
            Gen.Select(Gen.UInt, Gen.OneOfConst(Numbers), (at, number) => (Func<string, string>)(s => ReplaceNumber(s, at, number))),
            Gen.Select(Gen.UInt, Gen.Char, Gen.Int[1, 20000], (at, c, n) => (Func<string, string>)(s => s.Insert(Pos(at, s.Length), new string(c, n)))),
            Gen.Select(Gen.UInt, Gen.UInt, Gen.Int[0, 2], (a, b, op) => (Func<string, string>)(s => EditLines(s, a, b, op))));

        /// <summary>A text made of <paramref name="seeds"/>, one of them changed one to five times.</summary>
        public static Gen<string> Mutants(IReadOnlyList<string> seeds) =>
            Gen.Select(Gen.Int[0, seeds.Count - 1], Mutation.Array[1, 5], (seed, changes) => changes.Aggregate(seeds[seed], (text, change) => change(text)));

        /// <summary>The reference captures whose names match any of <paramref name="patterns"/>.</summary>
        public static IReadOnlyList<string> Captures(params string[] patterns) =>
            patterns.SelectMany(ReferenceSamples.Names).Distinct().Select(ReferenceSamples.Read).ToList();

        /// <summary>Up to 60 words of <paramref name="vocabulary"/> and <see cref="Tokens"/> joined by spaces, TABs and line breaks.</summary>
        public static Gen<string> Soup(params string[] vocabulary) =>
            Gen.Select(Gen.OneOf(Gen.OneOfConst(vocabulary), Token), Gen.OneOfConst(" ", "  ", "\t", "\n", "\r\n", ""), (word, gap) => word + gap)
                .Array[0, 60].Select(string.Concat);

        /// <summary>
        /// Up to 200,000 of one of <paramref name="brackets"/>' openings, closed or not: a recursive reader or writer overflows the
        /// stack on them, which no catch survives (the test host dies), so the depth goes well past what a 1 MB thread stack holds.
        /// Each parser gets the brackets that nest in its own format, which it can refuse early, as it would in production.
        /// </summary>
        public static Gen<string> DeepNesting(params (string Open, string Close)[] brackets) => Gen.Select(
            Gen.OneOf(Gen.Int[1, 100], Gen.Int[1000, 200000]),
            Gen.OneOfConst(brackets),
            Gen.Bool,
            (depth, bracket, closed) => string.Concat(Enumerable.Repeat(bracket.Open, depth)) + "x" + (closed ? string.Concat(Enumerable.Repeat(bracket.Close, depth)) : ""));

        /// <summary>Random characters, from the whole UTF-16 range (lone surrogates included) or from the structure characters.</summary>
        public static readonly Gen<string> Noise = Gen.OneOf(Gen.String, Gen.Char.Array[0, 300].Select(c => new string(c)), OddChar.Array[0, 300].Select(c => new string(c)));

        /// <summary>Mostly damaged captures, then soups of <paramref name="vocabulary"/>, nesting in <paramref name="brackets"/> and noise.</summary>
        public static Gen<string> Hostile(IReadOnlyList<string> seeds, string[] vocabulary, params (string Open, string Close)[] brackets) => Gen.Frequency(
            (6, Mutants(seeds)),
            (2, Soup(vocabulary)),
            (1, DeepNesting(brackets)),
            (1, Noise));

        /// <summary>The input as a C# string literal, cut to its first 4,000 characters, so that a failure report shows what to paste into a regression test.</summary>
        public static string Show(string input)
        {
            var sb = new StringBuilder("\"");
            foreach (var c in input.Length > 4000 ? input.Substring(0, 4000) : input)
            {
                if (c == '"' || c == '\\') sb.Append('\\').Append(c);
                else if (c == '\n') sb.Append("\\n");
                else if (c < ' ' || c > '~') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            sb.Append('"');
            return input.Length > 4000 ? sb + $" ... ({input.Length} characters)" : sb.ToString();
        }

        private static int Pos(uint at, int length) => length <= 0 ? 0 : (int)(at % (uint)(length + 1));

        private static string FlipBit(string s, int at, int bit) => s.Substring(0, at) + (char)(s[at] ^ (1 << bit)) + s.Substring(at + 1);

        /// <summary>Replaces the digit run that contains or follows position <paramref name="at"/>, or inserts the number when there is none.</summary>
        private static string ReplaceNumber(string s, uint at, string number)
        {
            var start = Pos(at, s.Length);
            while (start < s.Length && !char.IsAsciiDigit(s[start])) start++;
            if (start == s.Length) return s + number;
            while (start > 0 && char.IsAsciiDigit(s[start - 1])) start--;
            var end = start;
            while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
            return s.Substring(0, start) + number + s.Substring(end);
        }

        /// <summary>Duplicates (op 0), deletes (op 1) or swaps with another (op 2) one line.</summary>
        private static string EditLines(string s, uint a, uint b, int op)
        {
            var lines = s.Split('\n').ToList();
            var i = Pos(a, lines.Count - 1);
            var j = Pos(b, lines.Count - 1);
            if (op == 0) lines.Insert(i, lines[i]);
            else if (op == 1 && lines.Count > 1) lines.RemoveAt(i);
            else (lines[i], lines[j]) = (lines[j], lines[i]);
            return string.Join("\n", lines);
        }
    }
}
