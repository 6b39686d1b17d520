using System;
using System.Collections.Generic;
using System.Text;

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
    /// Unbalanced parentheses and unterminated strings raise <see cref="SxpParseException"/> with the line and column.
    /// </summary>
    public static class SxpReader
    {
        /// <summary>Every top-level expression of <paramref name="text"/>, in order.</summary>
        public static IReadOnlyList<SxpNode> Parse(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            return new Cursor(text).ReadAll();
        }

        /// <summary>True when <paramref name="c"/> ends a bare atom.</summary>
        internal static bool EndsBareAtom(char c) => char.IsWhiteSpace(c) || c == '(' || c == ')' || c == '#';

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
            private int _pos;
            private int _line = 1;
            private int _column = 1;

            public Cursor(string text) => _text = text;

            private bool AtEnd => _pos >= _text.Length;

            private char Peek => _text[_pos];

            public List<SxpNode> ReadAll()
            {
                var top = new List<SxpNode>();
                var open = new Stack<OpenList>();
                while (!AtEnd)
                {
                    var c = Peek;
                    var items = open.Count > 0 ? open.Peek().Items : top;
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
                        open.Push(new OpenList(_line, _column));
                        Next();
                    }
                    else if (c == ')')
                    {
                        if (open.Count == 0) throw new SxpParseException("')' closes no open list; the parentheses are unbalanced.", _line, _column);
                        Next();
                        var closed = open.Pop();
                        (open.Count > 0 ? open.Peek().Items : top).Add(SxpNode.List(closed.Items));
                    }
                    else if (c == '\'' || c == '"')
                    {
                        items.Add(SxpNode.Atom(ReadQuoted()));
                    }
                    else
                    {
                        items.Add(SxpNode.Atom(ReadBare()));
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

            private string ReadBare()
            {
                var start = _pos;
                while (!AtEnd && !EndsBareAtom(Peek)) Next();
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
                        sb.Append(ReadCode(16, 2, 0, 0) ?? "\\x");
                        return;
                }
                if (c >= '0' && c <= '7')
                {
                    sb.Append(ReadCode(8, 3, c - '0', 1));
                    return;
                }
                sb.Append('\\').Append(c);
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

            private static int DigitValue(char c) =>
                c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : int.MaxValue;
        }
    }
}
