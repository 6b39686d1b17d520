namespace XenPS.Core.Parsing
{
    /// <summary>
    /// One S-expression as xend prints it: an atom (<see cref="Value"/>) or a list (<see cref="Items"/>).
    /// A list whose first item is an atom is an element named by that atom, e.g. <c>(memory 512)</c> is named <c>memory</c>.
    /// </summary>
    public sealed class SxpNode
    {
        private static readonly SxpNode[] NoItems = Array.Empty<SxpNode>();

        // An array rather than a list: the lookups below run a loop over it for every field of every domain xm lists.
        private readonly SxpNode[] items;

        private SxpNode(string? value, SxpNode[] items)
        {
            Value = value;
            this.items = items;
        }

        /// <summary>The text of an atom (quotes removed, escapes resolved); null for a list.</summary>
        public string? Value { get; }

        /// <summary>The items of a list, the name included; empty for an atom.</summary>
        public IReadOnlyList<SxpNode> Items => items;

        public bool IsAtom => Value != null;

        /// <summary>The first item of a list when it is an atom; otherwise null.</summary>
        public string? Name => Value == null && items.Length > 0 ? items[0].Value : null;

        public static SxpNode Atom(string value) => new SxpNode(value ?? throw new ArgumentNullException(nameof(value)), NoItems);

        public static SxpNode List(IEnumerable<SxpNode> items) => new SxpNode(null, (items ?? throw new ArgumentNullException(nameof(items))).ToArray());

        /// <summary>A list of <paramref name="items"/>, which the node keeps: the reader hands over an array nobody else holds.</summary>
        internal static SxpNode ListOf(SxpNode[] items) => new SxpNode(null, items);

        /// <summary>The first item after the name that is an element called <paramref name="name"/>, or null.</summary>
        public SxpNode? Child(string name)
        {
            var index = IndexOfChild(name, 1);
            return index < 0 ? null : items[index];
        }

        /// <summary>Every item after the name that is an element called <paramref name="name"/>, in order.</summary>
        public IEnumerable<SxpNode> Children(string name)
        {
            for (var index = IndexOfChild(name, 1); index >= 0; index = IndexOfChild(name, index + 1)) yield return items[index];
        }

        /// <summary>
        /// The atom that follows the name in the first element called <paramref name="name"/>: <c>512</c> for <c>(memory 512)</c>.
        /// Null when there is no such element, when it is empty (<c>(bootloader )</c>) or when its first value is a list.
        /// </summary>
        public string? ChildValue(string name)
        {
            var child = Child(name);
            return child != null && child.items.Length > 1 ? child.items[1].Value : null;
        }

        /// <summary>The first list item from <paramref name="start"/> on, or null.</summary>
        internal SxpNode? FirstList(int start)
        {
            for (var i = start; i < items.Length; i++)
            {
                if (!items[i].IsAtom) return items[i];
            }
            return null;
        }

        private int IndexOfChild(string name, int start)
        {
            for (var i = start; i < items.Length; i++)
            {
                if (string.Equals(items[i].Name, name, StringComparison.Ordinal)) return i;
            }
            return -1;
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
            for (var i = 0; i < items.Length; i++)
            {
                if (i > 0) sb.Append(' ');
                items[i].Write(sb);
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
