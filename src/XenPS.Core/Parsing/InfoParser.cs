namespace XenPS.Core.Parsing
{
    /// <summary>Reads the <c>key : value</c> lines of <c>xm info</c> and <c>xl info</c>.</summary>
    public static class InfoParser
    {
        /// <summary>
        /// Every line in order. The key is the text before the first <c>:</c>; the value is the rest after it; both are
        /// trimmed, so values that contain colons (<c>hw_caps</c>, <c>xen_changeset</c>) survive and the trailing space after
        /// an empty value goes. An indented line continues the previous value. Other lines without a key (anything printed
        /// before the first key, stray text) are ignored. An xm <c>(none)</c> value is kept as printed.
        /// </summary>
        public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var result = new List<KeyValuePair<string, string>>();
            foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
            {
                var line = raw.TrimEnd();
                if (line.Length == 0) continue;
                var colon = line.IndexOf(':');
                if (colon <= 0 || char.IsWhiteSpace(line[0]))
                {
                    if (result.Count > 0 && char.IsWhiteSpace(line[0]))
                    {
                        var last = result[result.Count - 1];
                        result[result.Count - 1] = new KeyValuePair<string, string>(last.Key, (last.Value + " " + line.Trim()).Trim());
                    }
                    continue;
                }
                var key = line.Substring(0, colon).Trim();
                var value = line.Substring(colon + 1).Trim();
                result.Add(new KeyValuePair<string, string>(key, value));
            }
            return result;
        }

        /// <summary>The last value of <paramref name="key"/>, or null.</summary>
        public static string? Get(IReadOnlyList<KeyValuePair<string, string>> info, string key)
        {
            string? value = null;
            foreach (var kv in info)
            {
                if (string.Equals(kv.Key, key, StringComparison.Ordinal)) value = kv.Value;
            }
            return value;
        }
    }
}
