namespace XenPS.Core.Sessions
{
    /// <summary>OpenSSH host patterns: <c>*</c> and <c>?</c> wildcards, <c>!</c> negation, compared without regard to case.</summary>
    internal static class HostPattern
    {
        /// <summary>
        /// True when <paramref name="host"/> matches at least one positive pattern and no negated one
        /// (OpenSSH's <c>match_pattern_list</c>: a matching <c>!pattern</c> rules the host out whatever else matches).
        /// </summary>
        public static bool MatchesList(string host, IEnumerable<string> patterns)
        {
            var matched = false;
            foreach (var pattern in patterns)
            {
                if (pattern.Length > 0 && pattern[0] == '!')
                {
                    if (Matches(host, pattern.Substring(1))) return false;
                }
                else if (Matches(host, pattern))
                {
                    matched = true;
                }
            }
            return matched;
        }

        /// <summary>Wildcard match of the whole <paramref name="text"/>: <c>*</c> is any run of characters, <c>?</c> one character.</summary>
        public static bool Matches(string text, string pattern)
        {
            int t = 0, p = 0, starP = -1, starT = 0;
            while (t < text.Length)
            {
                if (p < pattern.Length && (pattern[p] == '?' || SameChar(pattern[p], text[t])))
                {
                    t++;
                    p++;
                }
                else if (p < pattern.Length && pattern[p] == '*')
                {
                    starP = p++;
                    starT = t;
                }
                else if (starP >= 0)
                {
                    p = starP + 1;
                    t = ++starT;
                }
                else
                {
                    return false;
                }
            }
            while (p < pattern.Length && pattern[p] == '*') p++;
            return p == pattern.Length;
        }

        private static bool SameChar(char a, char b) => a == b || char.ToLowerInvariant(a) == char.ToLowerInvariant(b);
    }
}
