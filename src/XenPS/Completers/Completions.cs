using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using XenPS.Core.Text;

namespace XenPS.Completers
{
    /// <summary>What XenPS's completers share: how a typed word matches, and how a name goes back into the command line.</summary>
    internal static class Completions
    {
        /// <summary>A word PowerShell reads as the argument it is: not a parameter (no leading '-'), no quote, variable, subexpression or separator.</summary>
        private static readonly Regex Bare = new Regex(@"\A[A-Za-z0-9_.][A-Za-z0-9_.-]*\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// Whether a name completes the typed word: the word is a prefix that may hold wildcards; a word that is no valid wildcard
        /// pattern (such as <c>x[</c>) is taken literally rather than leaving the completion silent.
        /// </summary>
        public static Func<string, bool> Matcher(string? wordToComplete)
        {
            var word = (wordToComplete ?? "").Trim('\'', '"');
            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            try
            {
                pattern.IsMatch("");
            }
            catch (WildcardPatternException)
            {
                pattern = WildcardPattern.Get(WildcardPattern.Escape(word) + "*", WildcardOptions.IgnoreCase);
            }
            return pattern.IsMatch;
        }

        /// <summary>
        /// The completion of <paramref name="name"/>: the text is a PowerShell literal of <paramref name="argument"/> (the name, or
        /// the name as a wildcard pattern), so that accepting it never runs a subexpression or splits into parameters; the list shows
        /// the name with its control characters escaped.
        /// </summary>
        public static CompletionResult Result(string name, string argument)
        {
            var shown = VisibleText.Escape(name);
            return new CompletionResult(Literal(argument), shown, CompletionResultType.ParameterValue, shown);
        }

        /// <summary>The completion of a name that a parameter takes as it is.</summary>
        public static CompletionResult Result(string name) => Result(name, name);

        /// <summary>
        /// <paramref name="name"/> as PowerShell source: bare when that is safe, else single-quoted, or double-quoted with every
        /// control character as a `u{} escape (a single-quoted string would carry them raw to the terminal).
        /// </summary>
        internal static string Literal(string name)
        {
            if (Bare.IsMatch(name)) return name;
            if (!VisibleText.NeedsEscape(name)) return "'" + CodeGeneration.EscapeSingleQuotedStringContent(name) + "'";
            var sb = new StringBuilder("\"");
            foreach (var c in name)
            {
                if (c == '`' || c == '$' || c == '"' || c == '\u201c' || c == '\u201d' || c == '\u201e') sb.Append('`').Append(c);
                else if (VisibleText.NeedsEscape(c.ToString())) sb.Append("`u{").Append(((int)c).ToString("X", CultureInfo.InvariantCulture)).Append('}');
                else sb.Append(c);
            }
            return sb.Append('"').ToString();
        }
    }
}
