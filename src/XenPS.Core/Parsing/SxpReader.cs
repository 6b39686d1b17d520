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
            return new Cursor(text, exactXendRules: false).ReadAll().Select(e => e.Node).ToList();
        }

        /// <summary>
        /// Every top-level expression of <paramref name="text"/> with its place in the text. With <paramref name="exactXendRules"/>
        /// the text is read exactly as xend's <c>sxp.Parser</c> reads its configuration file: an unknown escape such as <c>\.</c>
        /// keeps only the backslash (the character after it is dropped), <c>{ } &lt; &gt; [ ] ;</c> end a bare atom too,
        /// a bare atom must start with printable ASCII, <c>\x</c> needs two hex digits whose letters count from 0, and an
        /// octal escape above 377 is refused.
        /// </summary>
        internal static IReadOnlyList<TopLevel> ParseTopLevel(string text, bool exactXendRules) => new Cursor(text, exactXendRules).ReadAll();

        /// <summary>One top-level expression and where its text is: <see cref="Length"/> characters from <see cref="Start"/>, on 1-based <see cref="Line"/>.</summary>
        /// <param name="Node">The expression read.</param>
        /// <param name="Start">The offset of its first character in the text.</param>
        /// <param name="Length">The number of characters it takes.</param>
        /// <param name="Line">The 1-based line it starts on.</param>
        internal readonly record struct TopLevel(SxpNode Node, int Start, int Length, int Line);

        /// <summary>True when <paramref name="c"/> ends a bare atom.</summary>
        internal static bool EndsBareAtom(char c) => char.IsWhiteSpace(c) || c == '(' || c == ')' || c == '#';

        /// <summary>True when <paramref name="c"/> ends a bare atom for xend's own reader, which also stops at its separators.</summary>
        internal static bool EndsXendBareAtom(char c) => EndsBareAtom(c) || "{}<>[];".IndexOf(c) >= 0;

        private sealed class OpenList
        {
            public OpenList(int line, int column)
            {
                Line = line;
                Column = column;
            }

            public List<SxpNode> Items { get; } = new List<SxpNode>();

            public int Line { get; }

            public int Column { get; }
        }

        private sealed class Cursor
        {
            private readonly string _text;
            private readonly bool _exact;
            private int _pos;
            private int _line = 1;
            private int _column = 1;

            public Cursor(string text, bool exactXendRules)
            {
                _text = text;
                _exact = exactXendRules;
            }

            private bool AtEnd => _pos >= _text.Length;

            private char Peek => _text[_pos];

            public List<TopLevel> ReadAll()
            {
                var top = new List<TopLevel>();
                var open = new Stack<OpenList>();
                int start = 0, startLine = 1;
                void Add(SxpNode node)
                {
                    if (open.Count > 0) open.Peek().Items.Add(node);
                    else top.Add(new TopLevel(node, start, _pos - start, startLine));
                }

                while (!AtEnd)
                {
                    var c = Peek;
                    if (open.Count == 0)
                    {
                        start = _pos;
                        startLine = _line;
                    }
                    if (char.IsWhiteSpace(c))
                    {
                        Next();
                    }
                    else if (c == '#')
                    {
                        while (!AtEnd && Peek != '\n') Next();
                    }
                    else if (c == '(')
                    {
                        if (open.Count == MaxNesting) throw new SxpParseException($"this '(' opens a list nested deeper than {MaxNesting} levels.", _line, _column);
                        open.Push(new OpenList(_line, _column));
                        Next();
                    }
                    else if (c == ')')
                    {
                        if (open.Count == 0) throw new SxpParseException("')' closes no open list; the parentheses are unbalanced.", _line, _column);
                        Next();
                        Add(SxpNode.List(open.Pop().Items));
                    }
                    else
                    {
                        Add(SxpNode.Atom(c == '\'' || c == '"' ? ReadQuoted() : ReadBare()));
                    }
                }
                if (open.Count > 0)
                {
                    var unclosed = open.Peek();
                    throw new SxpParseException("this '(' is never closed; the parentheses are unbalanced or the text was cut short.", unclosed.Line, unclosed.Column);
                }
                return top;
            }

            private char Next()
            {
                var c = _text[_pos++];
                if (c == '\n')
                {
                    _line++;
                    _column = 1;
                }
                else
                {
                    _column++;
                }
                return c;
            }

            /// <summary>A bare atom; its first character is taken as it is, as xend does (in exact mode it may be a separator).</summary>
            private string ReadBare()
            {
                var start = _pos;
                if (_exact && (Peek < ' ' || Peek > '~'))
                {
                    throw new SxpParseException($"xend's reader refuses the character U+{(int)Peek:X4} outside quotes; put the value in quotes.", _line, _column);
                }
                Next();
                while (!AtEnd && !(_exact ? EndsXendBareAtom(Peek) : EndsBareAtom(Peek))) Next();
                return _text.Substring(start, _pos - start);
            }

            private string ReadQuoted()
            {
                int line = _line, column = _column;
                var quote = Next();
                var sb = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw new SxpParseException($"this {quote} string is never closed.", line, column);
                    var c = Next();
                    if (c == quote) return sb.ToString();
                    if (c != '\\')
                    {
                        sb.Append(c);
                        continue;
                    }
                    if (AtEnd) throw new SxpParseException($"this {quote} string is never closed.", line, column);
                    ReadEscape(sb);
                }
            }

            private void ReadEscape(StringBuilder sb)
            {
                int line = _line, column = _column - 1;
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
                        sb.Append(_exact ? ReadXendHex(line, column) : ReadCode(16, 2, 0, 0) ?? "\\x");
                        return;
                }
                if (c >= '0' && c <= '7')
                {
                    var octal = ReadCode(8, 3, c - '0', 1)!;
                    if (_exact && octal[0] > 0xff) throw new SxpParseException("xend's reader refuses an octal escape above \\377.", line, column);
                    sb.Append(octal);
                    return;
                }
                // An unknown escape: xend keeps the backslash and drops the character; the lenient reading keeps both.
                if (_exact) sb.Append('\\');
                else sb.Append('\\').Append(c);
            }

            /// <summary>Reads the digits of a character code after <paramref name="count"/> already read; null when there are none.</summary>
            private string? ReadCode(int radix, int maxDigits, int value, int count)
            {
                while (count < maxDigits && !AtEnd && DigitValue(Peek) < radix)
                {
                    value = value * radix + DigitValue(Next());
                    count++;
                }
                return count == 0 ? null : ((char)value).ToString();
            }

            /// <summary>
            /// The two digits of a <c>\x</c> escape as xend reads them: its sxp.py counts hex letters from 0 (<c>\x4A</c> is
            /// <c>@</c>, not <c>J</c>) and fails without two hex digits.
            /// </summary>
            private char ReadXendHex(int line, int column)
            {
                if (_pos + 2 > _text.Length || !Enumerable.Range(_pos, 2).All(i => DigitValue(_text[i]) < 16))
                {
                    throw new SxpParseException("xend's reader fails on a \\x escape without two hex digits; write the character as an octal escape (\\101) or double the backslash.", line, column);
                }
                var value = 0;
                for (var i = 0; i < 2; i++)
                {
                    var c = Next();
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
