using System.Text.RegularExpressions;

namespace XenPS.Core.Text
{
    /// <summary>
    /// Regular expressions as xend's Python 2 <c>re</c> module reads them, run on .NET for the part of the syntax both read
    /// alike: literals, <c>.</c>, classes, <c>* + ? {m,n}</c> (lazy too), groups <c>( )</c> <c>(?: )</c>, lookarounds,
    /// <c>(?# )</c>, leading <c>(?imsx)</c> flags, backreferences and the escapes <c>\A \b \B \d \D \s \S \w \W \Z</c>
    /// <c>\a \f \n \r \t \v \xHH</c> and escaped punctuation. Anything else is refused with the reason, because the two
    /// engines read it differently (<c>\z</c>, <c>\p{L}</c>, <c>{,3}</c>, <c>[a-z-[aeiou]]</c>, <c>(?&lt;name&gt;)</c>, scoped flags...)
    /// or one of them does not read it at all. <c>\Z</c> (end of text in Python) is run as .NET's <c>\z</c>.
    /// </summary>
    internal static class PythonRegex
    {
        private const string LetterEscapes = "AbBdDsSwWZafnrtvx";

        private static readonly Regex LeadingFlags = new Regex(@"^\(\?[imsx]+\)", RegexOptions.CultureInvariant);

        /// <summary>The compiled pattern; <see cref="ArgumentException"/> saying why when it is outside the shared syntax or invalid.</summary>
        public static Regex Compile(string pattern)
        {
            var dotNet = Translate(pattern, out var problem);
            if (problem != null) throw new ArgumentException($"'{pattern}' uses {problem}, which xend's Python regular expressions do not read the same way; use plain regular expression syntax ( . [ ] * + ? {{m,n}} ( ) | ^ $ and backslash escapes).");
            try
            {
                return new Regex(dotNet, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"'{pattern}' is not a valid regular expression: {e.Message}", e);
            }
        }

        /// <summary>True when <paramref name="regex"/> matches at the very start of <paramref name="input"/> (Python's <c>re.match</c>).</summary>
        public static bool MatchesAtStart(Regex regex, string input)
        {
            var match = regex.Match(input);
            return match.Success && match.Index == 0;
        }

        private static string Translate(string pattern, out string? problem)
        {
            problem = null;
            var sb = new StringBuilder(pattern.Length);
            var inClass = false;
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                var next = i + 1 < pattern.Length ? pattern[i + 1] : '\0';
                if (c == '\\' && i + 1 < pattern.Length)
                {
                    if (next < 128 && char.IsLetter(next) && LetterEscapes.IndexOf(next) < 0)
                    {
                        problem = $"the escape \\{next}";
                        return pattern;
                    }
                    sb.Append(c).Append(next == 'Z' && !inClass ? 'z' : next);
                    i++;
                    continue;
                }
                if (inClass)
                {
                    if (c == ']') inClass = false;
                    else if (c == '-' && next == '[')
                    {
                        problem = "character class subtraction (-[...])";
                        return pattern;
                    }
                    sb.Append(c);
                    continue;
                }
                if (c == '[')
                {
                    // A ']' right after '[' or '[^' is a literal member in both engines.
                    var start = i + 1 < pattern.Length && pattern[i + 1] == '^' ? i + 2 : i + 1;
                    var end = start < pattern.Length && pattern[start] == ']' ? start + 1 : start;
                    sb.Append(pattern, i, end - i);
                    i = end - 1;
                    inClass = true;
                    continue;
                }
                problem = c == '{' && next == ',' ? "a {,n} repeat"
                    : c == '(' && next == '?' ? GroupProblem(pattern, i)
                    : null;
                if (problem != null) return pattern;
                sb.Append(c);
            }
            return sb.ToString();
        }

        private static string? GroupProblem(string pattern, int at)
        {
            var rest = pattern.Substring(at + 2);
            foreach (var allowed in new[] { ":", "=", "!", "<=", "<!", "#" })
            {
                if (rest.StartsWith(allowed, StringComparison.Ordinal)) return null;
            }
            return at == 0 && LeadingFlags.IsMatch(pattern) ? null : "the group (?" + (rest.Length > 0 ? rest.Substring(0, 1) : "") + "...";
        }
    }
}
