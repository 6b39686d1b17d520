namespace XenPS.Core.Parsing
{
    /// <summary>
    /// Reads the bridge names a dom0 prints for
    /// <c>for b in /sys/class/net/*/bridge; do [ -d "$b" ] &amp;&amp; basename "${b%/bridge}"; done</c>.
    /// </summary>
    public static class BridgeListParser
    {
        /// <summary>One name per line; blank lines ignored; trimmed, without duplicates, sorted ordinally.</summary>
        public static string[] Parse(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            return Normalize(text.Split('\n'));
        }

        internal static string[] Normalize(IEnumerable<string> names) =>
            names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToArray();
    }
}
