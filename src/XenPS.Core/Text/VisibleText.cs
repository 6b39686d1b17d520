namespace XenPS.Core.Text
{
    /// <summary>
    /// Text from a host (a domain name, a path, a tool's message) made safe to show on a terminal: every control character
    /// (C0, DEL, C1: ESC sequences, BEL, newlines, TABs) is written as a visible escape such as <c>\x1b</c> or <c>\n</c>, so that
    /// nothing a host prints can move the cursor, clear the screen, retitle the window or fake a line. The objects keep the exact text;
    /// only what is shown is escaped.
    /// </summary>
    public static class VisibleText
    {
        /// <summary><paramref name="text"/> with its control characters escaped; null gives an empty string.</summary>
        public static string Escape(string? text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            if (!NeedsEscape(text!)) return text!;
            var sb = new StringBuilder(text!.Length + 16);
            foreach (var c in text)
            {
                switch (c)
                {
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (IsControl(c)) sb.Append("\\x").Append(((int)c).ToString(c > 0xff ? "x4" : "x2", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.ToString();
        }

        /// <summary>
        /// <paramref name="text"/> escaped, and cut to <paramref name="max"/> characters with its length said, for a message that
        /// quotes a value the user or a host gave (a 1 MB name stays a short message).
        /// </summary>
        public static string Shorten(string? text, int max = 80)
        {
            var shown = Escape(text);
            if (shown.Length <= max) return shown;
            return shown.Substring(0, max) + $"... ({(text ?? "").Length.ToString(CultureInfo.InvariantCulture)} characters)";
        }

        /// <summary>
        /// <paramref name="text"/> broken into lines of at most <paramref name="width"/> characters, joined by <c>\n</c>: at spaces
        /// where it can be, and a word longer than a line in pieces. The views wrap a long detail with it, because a table column
        /// that wraps by itself cuts words at the column's edge.
        /// </summary>
        public static string Wrap(string text, int width)
        {
            if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "A line holds at least one character.");
            var lines = new List<string>();
            var line = new StringBuilder();
            foreach (var word in text.Split(' '))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                var rest = word;
                while (rest.Length > width)
                {
                    lines.Add(rest.Substring(0, width));
                    rest = rest.Substring(width);
                }
                line.Append(rest);
            }
            lines.Add(line.ToString());
            return string.Join("\n", lines);
        }

        /// <summary>True when <see cref="Escape"/> would change <paramref name="text"/>.</summary>
        public static bool NeedsEscape(string text)
        {
            foreach (var c in text)
            {
                if (IsControl(c)) return true;
            }
            return false;
        }

        /// <summary>
        /// C0 controls, DEL, C1 controls (0x9b is a one-character CSI to many terminals), and the Unicode line and paragraph
        /// separators and bidirectional overrides that reorder or break what a terminal shows.
        /// </summary>
        private static bool IsControl(char c) =>
            c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
