namespace XenPS.Core.Parsing
{
    /// <summary>
    /// Reads S-expression data as xend prints it (<c>xm list --long</c>) with the lexical rules of xend's own reader
    /// (<c>xen/xend/sxp.py</c>):
    /// <list type="bullet">
    /// <item>a bare atom runs until whitespace, <c>(</c>, <c>)</c> or <c>#</c>;</item>
    /// <item><c>#</c> outside a quoted string starts a comment that runs to the end of the line;</item>
    /// <item>'...' and "..." are strings that may span lines; inside them a backslash escapes the next character
    /// (<c>\\</c>, <c>\'</c>, <c>\"</c>, <c>\n</c>, <c>\t</c>, <c>\r</c>, <c>\a</c>, <c>\b</c>, <c>\v</c>, <c>\f</c>, <c>\xHH</c>, octal <c>\NNN</c>);
    /// an unknown escape such as <c>\d</c> is kept as written;</item>
    /// <item>an empty element such as <c>(bootloader )</c> is a list holding only its name.</item>
    /// </list>
    /// Atoms outside any list (stray words before or after the data) are returned as atom nodes, so callers can ignore them.
    /// Unbalanced parentheses, unterminated strings and lists nested deeper than <see cref="MaxNesting"/> raise
    /// <see cref="SxpParseException"/> with the line and column.
    /// Files that xend itself reads (<c>xend-config.sxp</c>) go through <see cref="SxpDocument"/>, which applies xend's rules exactly.
    /// </summary>
    public static class SxpReader
    {
        /// <summary>
        /// The deepest nesting read. xend prints and reads a handful of levels; the limit keeps what works on nodes by recursion
        /// (<see cref="SxpNode.ToString"/>, which error messages quote) from overflowing the stack, which no caller could catch.
        /// </summary>
        public const int MaxNesting = 1000;

        /// <summary>Every top-level expression of <paramref name="text"/>, in order.</summary>
        public static IReadOnlyList<SxpNode> Parse(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            return ReadEach(text).ToList();
        }

        /// <summary>
        /// Every top-level expression of <paramref name="text"/>, in order, each as soon as it is read: a caller that turns each
        /// into something smaller lets its tree go before the next one is read. Errors come when the reading reaches them.
        /// </summary>
        internal static IEnumerable<SxpNode> ReadEach(string text)
        {
            var cursor = new Cursor(text, exactXendRules: false);
            while (cursor.TryRead(out var expression)) yield return expression.Node;
        }

        /// <summary>
        /// Every top-level expression of <paramref name="text"/> with its place in the text. With <paramref name="exactXendRules"/>
        /// the text is read exactly as xend's <c>sxp.Parser</c> reads its configuration file: an unknown escape such as <c>\.</c>
        /// keeps only the backslash (the character after it is dropped), <c>{ } &lt; &gt; [ ] ;</c> end a bare atom too,
        /// a bare atom must start with printable ASCII, <c>\x</c> needs two hex digits whose letters count from 0, and an
        /// octal escape above 377 is refused.
        /// </summary>
        internal static IReadOnlyList<TopLevel> ParseTopLevel(string text, bool exactXendRules)
        {
            var cursor = new Cursor(text, exactXendRules);
            var read = new List<TopLevel>();
            while (cursor.TryRead(out var expression)) read.Add(expression);
            return read;
        }

        /// <summary>One top-level expression and where its text is: <see cref="Length"/> characters from <see cref="Start"/>, on 1-based <see cref="Line"/>.</summary>
        /// <param name="Node">The expression read.</param>
        /// <param name="Start">The offset of its first character in the text.</param>
        /// <param name="Length">The number of characters it takes.</param>
        /// <param name="Line">The 1-based line it starts on.</param>
        internal readonly record struct TopLevel(SxpNode Node, int Start, int Length, int Line);

        /// <summary>True when <paramref name="c"/> ends a bare atom.</summary>
        internal static bool EndsBareAtom(char c) => c == '(' || c == ')' || c == '#' || char.IsWhiteSpace(c);

        /// <summary>True when <paramref name="c"/> ends a bare atom for xend's own reader, which also stops at its separators.</summary>
        internal static bool EndsXendBareAtom(char c)
        {
            switch (c)
            {
                case '{':
                case '}':
                case '<':
                case '>':
                case '[':
                case ']':
                case ';':
                    return true;
                default:
                    return EndsBareAtom(c);
            }
        }

        /// <summary>Where a list opened: the first of its items in the cursor's item stack, and its place for errors.</summary>
        private readonly struct OpenList
        {
            public OpenList(int firstItem, int line, int column)
            {
                FirstItem = firstItem;
                Line = line;
                Column = column;
            }

            public int FirstItem { get; }

            public int Line { get; }

            public int Column { get; }
        }

        /// <summary>
        /// One node for every short atom text the reader meets. xm lists the same names and values (<c>device</c>, <c>vbd</c>,
        /// <c>0</c>, <c>w</c>...) for every domain, so most atoms cost a lookup in the text instead of a string and a node.
        /// Nodes are immutable, so the lists may share them.
        /// </summary>
        private sealed class AtomTable
        {
            /// <summary>Longer atoms (kernel arguments, paths) are rarely repeated, and hashing them would cost more than it saves.</summary>
            private const int MaxLength = 48;

            private SxpNode?[] slots = new SxpNode?[256];
            private int count;

            public SxpNode Get(string text, int start, int length)
            {
                if (length > MaxLength) return SxpNode.Atom(text.Substring(start, length));
                var hash = length;
                for (var i = start; i < start + length; i++) hash = unchecked((hash * 31) + text[i]);
                var mask = slots.Length - 1;
                for (var slot = hash & mask; ; slot = (slot + 1) & mask)
                {
                    var node = slots[slot];
                    if (node is null)
                    {
                        node = SxpNode.Atom(length == 0 ? "" : text.Substring(start, length));
                        slots[slot] = node;
                        if (++count * 2 > slots.Length) Grow();
                        return node;
                    }
                    var value = node.Value!;
                    if (value.Length == length && string.CompareOrdinal(value, 0, text, start, length) == 0) return node;
                }
            }

            private void Grow()
            {
                var old = slots;
                slots = new SxpNode?[old.Length * 2];
                var mask = slots.Length - 1;
                foreach (var node in old)
                {
                    if (node is null) continue;
                    var value = node.Value!;
                    var hash = value.Length;
                    foreach (var c in value) hash = unchecked((hash * 31) + c);
                    var slot = hash & mask;
                    while (slots[slot] != null) slot = (slot + 1) & mask;
                    slots[slot] = node;
                }
            }
        }

        /// <summary>
        /// Reads the text in one pass by index. The line is counted at each line break and the column is the distance from
        /// the line's start, so only errors pay for their place. Open lists keep their items on one shared stack, and a list
        /// takes its items from it when it closes.
        /// </summary>
        private sealed class Cursor
        {
            private readonly string _text;
            private readonly bool _exact;
            private readonly AtomTable _atoms = new AtomTable();
            private readonly List<SxpNode> _items = new List<SxpNode>();
            private readonly Stack<OpenList> _open = new Stack<OpenList>();
            private StringBuilder? _escaped;
            private int _pos;
            private int _line = 1;
            private int _lineStart;

            public Cursor(string text, bool exactXendRules)
            {
                _text = text;
                _exact = exactXendRules;
            }

            private int Column => _pos - _lineStart + 1;

            /// <summary>Reads the next top-level expression; false at the end of the text.</summary>
            public bool TryRead(out TopLevel expression)
            {
                var text = _text;
                int start = 0, startLine = 1;
                while (_pos < text.Length)
                {
                    var c = text[_pos];
                    if (_open.Count == 0)
                    {
                        start = _pos;
                        startLine = _line;
                    }
                    if (c == '(')
                    {
                        if (_open.Count == MaxNesting) throw new SxpParseException($"this '(' opens a list nested deeper than {MaxNesting} levels.", _line, Column);
                        _open.Push(new OpenList(_items.Count, _line, Column));
                        _pos++;
                        continue;
                    }
                    SxpNode node;
                    if (c == ')')
                    {
                        if (_open.Count == 0) throw new SxpParseException("')' closes no open list; the parentheses are unbalanced.", _line, Column);
                        _pos++;
                        node = Close(_open.Pop());
                    }
                    else if (c == '\n')
                    {
                        NewLine(_pos + 1);
                        _pos++;
                        continue;
                    }
                    else if (char.IsWhiteSpace(c))
                    {
                        _pos++;
                        continue;
                    }
                    else if (c == '#')
                    {
                        var end = text.IndexOf('\n', _pos);
                        _pos = end < 0 ? text.Length : end;
                        continue;
                    }
                    else
                    {
                        node = c == '\'' || c == '"' ? ReadQuoted() : ReadBare();
                    }
                    if (_open.Count > 0)
                    {
                        _items.Add(node);
                        continue;
                    }
                    expression = new TopLevel(node, start, _pos - start, startLine);
                    return true;
                }
                if (_open.Count > 0)
                {
                    var unclosed = _open.Peek();
                    throw new SxpParseException("this '(' is never closed; the parentheses are unbalanced or the text was cut short.", unclosed.Line, unclosed.Column);
                }
                expression = default;
                return false;
            }

            private SxpNode Close(OpenList list)
            {
                var items = new SxpNode[_items.Count - list.FirstItem];
                _items.CopyTo(list.FirstItem, items, 0, items.Length);
                _items.RemoveRange(list.FirstItem, items.Length);
                return SxpNode.ListOf(items);
            }

            /// <summary>Counts the line break just read; <paramref name="next"/> is the offset after it.</summary>
            private void NewLine(int next)
            {
                _line++;
                _lineStart = next;
            }

            /// <summary>A bare atom; its first character is taken as it is, as xend does (in exact mode it may be a separator).</summary>
            private SxpNode ReadBare()
            {
                var text = _text;
                var start = _pos;
                var first = text[start];
                if (_exact && (first < ' ' || first > '~'))
                {
                    throw new SxpParseException($"xend's reader refuses the character U+{(int)first:X4} outside quotes; put the value in quotes.", _line, Column);
                }
                var end = start + 1;
                if (_exact)
                {
                    while (end < text.Length && !EndsXendBareAtom(text[end])) end++;
                }
                else
                {
                    while (end < text.Length && !EndsBareAtom(text[end])) end++;
                }
                _pos = end;
                return _atoms.Get(text, start, end - start);
            }

            /// <summary>
            /// A quoted string. Without escapes it is a stretch of the text, looked up like a bare atom; escapes are resolved
            /// into a builder that the cursor reuses.
            /// </summary>
            private SxpNode ReadQuoted()
            {
                var text = _text;
                int line = _line, column = Column;
                var quote = text[_pos];
                var runStart = ++_pos;
                StringBuilder? sb = null;
                while (true)
                {
                    if (_pos >= text.Length) throw new SxpParseException($"this {quote} string is never closed.", line, column);
                    var c = text[_pos];
                    if (c == quote)
                    {
                        var runLength = _pos - runStart;
                        _pos++;
                        if (sb is null) return _atoms.Get(text, runStart, runLength);
                        return SxpNode.Atom(sb.Append(text, runStart, runLength).ToString());
                    }
                    if (c == '\n')
                    {
                        NewLine(_pos + 1);
                    }
                    else if (c == '\\')
                    {
                        if (_pos + 1 >= text.Length) throw new SxpParseException($"this {quote} string is never closed.", line, column);
                        sb ??= Escaped();
                        sb.Append(text, runStart, _pos - runStart);
                        ReadEscape(sb);
                        runStart = _pos;
                        continue;
                    }
                    _pos++;
                }
            }

            private StringBuilder Escaped()
            {
                _escaped ??= new StringBuilder();
                _escaped.Clear();
                return _escaped;
            }

            /// <summary>Reads the escape at the backslash under the cursor and what follows it.</summary>
            private void ReadEscape(StringBuilder sb)
            {
                int line = _line, column = Column;
                _pos++;
                var c = Next();
                switch (c)
                {
                    case 'a': sb.Append('\a'); return;
                    case 'b': sb.Append('\b'); return;
                    case 't': sb.Append('\t'); return;
                    case 'n': sb.Append('\n'); return;
                    case 'v': sb.Append('\v'); return;
                    case 'f': sb.Append('\f'); return;
                    case 'r': sb.Append('\r'); return;
                    case '\\':
                    case '\'':
                    case '"':
                        sb.Append(c);
                        return;
                    case 'x':
                        if (_exact) sb.Append(ReadXendHex(line, column));
                        else if (ReadCode(16, 2, 0, 0) is char hex) sb.Append(hex);
                        else sb.Append("\\x");
                        return;
                }
                if (c >= '0' && c <= '7')
                {
                    var octal = ReadCode(8, 3, c - '0', 1)!.Value;
                    if (_exact && octal > 0xff) throw new SxpParseException("xend's reader refuses an octal escape above \\377.", line, column);
                    sb.Append(octal);
                    return;
                }
                // An unknown escape: xend keeps the backslash and drops the character; the lenient reading keeps both.
                if (_exact) sb.Append('\\');
                else sb.Append('\\').Append(c);
            }

            private char Next()
            {
                var c = _text[_pos++];
                if (c == '\n') NewLine(_pos);
                return c;
            }

            /// <summary>Reads the digits of a character code after <paramref name="count"/> already read; null when there are none.</summary>
            private char? ReadCode(int radix, int maxDigits, int value, int count)
            {
                while (count < maxDigits && _pos < _text.Length && DigitValue(_text[_pos]) < radix)
                {
                    value = value * radix + DigitValue(_text[_pos++]);
                    count++;
                }
                return count == 0 ? null : (char)value;
            }

            /// <summary>
            /// The two digits of a <c>\x</c> escape as xend reads them: its sxp.py counts hex letters from 0 (<c>\x4A</c> is
            /// <c>@</c>, not <c>J</c>) and fails without two hex digits.
            /// </summary>
            private char ReadXendHex(int line, int column)
            {
                if (_pos + 2 > _text.Length || DigitValue(_text[_pos]) >= 16 || DigitValue(_text[_pos + 1]) >= 16)
                {
                    throw new SxpParseException("xend's reader fails on a \\x escape without two hex digits; write the character as an octal escape (\\101) or double the backslash.", line, column);
                }
                var value = 0;
                for (var i = 0; i < 2; i++)
                {
                    var c = _text[_pos++];
                    value = value * 16 + (c <= '9' ? c - '0' : c >= 'a' ? c - 'a' : c - 'A');
                }
                return (char)value;
            }

            private static int DigitValue(char c) =>
                c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : int.MaxValue;
        }
    }
}
