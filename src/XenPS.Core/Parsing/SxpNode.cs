namespace XenPS.Core.Parsing
{
    /// <summary>
    /// One S-expression as xend prints it: an atom (<see cref="Value"/>) or a list (<see cref="Items"/>).
    /// A list whose first item is an atom is an element named by that atom, e.g. <c>(memory 512)</c> is named <c>memory</c>.
    /// </summary>
    public sealed class SxpNode
    {
        private static readonly IReadOnlyList<SxpNode> NoItems = Array.Empty<SxpNode>();

        private SxpNode(string? value, IReadOnlyList<SxpNode> items)
        {
            Value = value;
            Items = items;
        }

        /// <summary>The text of an atom (quotes removed, escapes resolved); null for a list.</summary>
        public string? Value { get; }

        /// <summary>The items of a list, the name included; empty for an atom.</summary>
        public IReadOnlyList<SxpNode> Items { get; }

        public bool IsAtom => Value != null;

        /// <summary>The first item of a list when it is an atom; otherwise null.</summary>
        public string? Name => Value == null && Items.Count > 0 ? Items[0].Value : null;

        public static SxpNode Atom(string value) => new SxpNode(value ?? throw new ArgumentNullException(nameof(value)), NoItems);

        public static SxpNode List(IEnumerable<SxpNode> items) => new SxpNode(null, (items ?? throw new ArgumentNullException(nameof(items))).ToArray());

        /// <summary>The first item after the name that is an element called <paramref name="name"/>, or null.</summary>
        public SxpNode? Child(string name) => Children(name).FirstOrDefault();

        /// <summary>Every item after the name that is an element called <paramref name="name"/>, in order.</summary>
        public IEnumerable<SxpNode> Children(string name) =>
            Items.Skip(1).Where(item => string.Equals(item.Name, name, StringComparison.Ordinal));

        /// <summary>
        /// The atom that follows the name in the first element called <paramref name="name"/>: <c>512</c> for <c>(memory 512)</c>.
        /// Null when there is no such element, when it is empty (<c>(bootloader )</c>) or when its first value is a list.
        /// </summary>
        public string? ChildValue(string name)
        {
            var child = Child(name);
            return child != null && child.Items.Count > 1 ? child.Items[1].Value : null;
        }

        /// <summary>The node as one line of SXP; atoms that need it are single-quoted.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            Write(sb);
            return sb.ToString();
        }

        private void Write(StringBuilder sb)
        {
            if (Value != null)
            {
                WriteAtom(sb, Value);
                return;
            }
            sb.Append('(');
            for (var i = 0; i < Items.Count; i++)
            {
                if (i > 0) sb.Append(' ');
                Items[i].Write(sb);
            }
            sb.Append(')');
        }

        private static void WriteAtom(StringBuilder sb, string value)
        {
            if (value.Length > 0 && value.All(c => !SxpReader.EndsBareAtom(c) && c != '\'' && c != '"' && c != '\\'))
            {
                sb.Append(value);
                return;
            }
            sb.Append(Quote(value));
        }

        /// <summary>
        /// <paramref name="value"/> as a single-quoted SXP string that xend's reader (and <see cref="SxpReader"/>) reads back
        /// unchanged: backslash and quote are escaped, control characters are written as escapes so the string stays on one line
        /// (octal, since xend misreads the letters of <c>\x</c> escapes).
        /// </summary>
        internal static string Quote(string value)
        {
            var sb = new StringBuilder(value.Length + 2).Append('\'');
            foreach (var c in value)
            {
                var named = "\a\b\t\n\v\f\r".IndexOf(c);
                if (c == '\'' || c == '\\') sb.Append('\\').Append(c);
                else if (named >= 0) sb.Append('\\').Append("abtnvfr"[named]);
                else if (c < ' ' || c == '\x7f') sb.Append('\\').Append(Convert.ToString((int)c, 8).PadLeft(3, '0'));
                else sb.Append(c);
            }
            return sb.Append('\'').ToString();
        }
    }
}
