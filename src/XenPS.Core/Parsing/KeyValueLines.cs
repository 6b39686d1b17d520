namespace XenPS.Core.Parsing
{
    /// <summary>The <c>key=value</c> lines that XenPS's own remote scripts print.</summary>
    public static class KeyValueLines
    {
        /// <summary>The <c>key=value</c> lines of <paramref name="text"/> (split at the first <c>=</c>; the last of a key wins); other lines are ignored.</summary>
        public static Dictionary<string, string> Parse(string text)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                var equals = line.IndexOf('=');
                if (equals > 0) values[line.Substring(0, equals)] = line.Substring(equals + 1);
            }
            return values;
        }

        /// <summary>The value of <paramref name="key"/>, or empty.</summary>
        public static string Get(this Dictionary<string, string> values, string key) =>
            values.TryGetValue(key, out var value) ? value : "";
    }
}
