using System.Text.RegularExpressions;

namespace XenPS.Core.Parsing
{
    /// <summary>How <see cref="SxpDocument.WithValue"/> writes a value.</summary>
    public enum SxpValueStyle
    {
        /// <summary>As a bare word: <c>yes</c>, <c>8002</c>. Only for values without spaces, quotes, brackets, <c>#</c> or backslashes.</summary>
        Bare,

        /// <summary>In single quotes with backslash escapes that xend reads back unchanged: <c>^a\.b$</c> is written <c>'^a\\.b$'</c>.</summary>
        SingleQuoted,
    }

    /// <summary>
    /// A configuration file made of S-expressions, such as <c>/etc/xen/xend-config.sxp</c>, kept byte for byte: the text is
    /// a sequence of top-level segments, each either trivia (whitespace, line breaks, <c>#</c> comments) or an expression
    /// (its original text plus the parsed <see cref="SxpNode"/>). <see cref="ToString"/> gives back the exact text, and an
    /// edit changes only the text of the setting it is about.
    /// <para>
    /// The text is read exactly as xend's <c>sxp.Parser</c> reads it (see <see cref="SxpReader"/>). xend looks a key up with
    /// <c>sxp.child_value</c>, which returns the FIRST top-level element with that name: later duplicates are ignored, and an
    /// element without a value (<c>(key )</c>) counts as absent. <see cref="GetSetting"/> and <see cref="GetValue"/> follow that rule.
    /// </para>
    /// </summary>
    public sealed partial class SxpDocument
    {
        private readonly string _text;

        private SxpDocument(string text, IReadOnlyList<SxpReader.TopLevel> expressions)
        {
            _text = text;
            Expressions = expressions;
            Settings = expressions
                .Where(e => e.Node.Name != null)
                .Select(e => new SxpDocumentSetting(e.Node, text.Substring(e.Start, e.Length), e.Line))
                .ToList();
        }

        /// <summary>The active (uncommented) top-level elements that have a name, in file order.</summary>
        public IReadOnlyList<SxpDocumentSetting> Settings { get; }

        /// <summary>Every top-level expression with its place in the text; the text between them is trivia.</summary>
        internal IReadOnlyList<SxpReader.TopLevel> Expressions { get; }

        /// <summary>Reads <paramref name="text"/>; throws <see cref="SxpParseException"/> where xend's reader would fail.</summary>
        public static SxpDocument Parse(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            return new SxpDocument(text, SxpReader.ParseTopLevel(text, exactXendRules: true));
        }

        /// <summary>The setting xend uses for <paramref name="key"/>: the first active element with that name, or null.</summary>
        public SxpDocumentSetting? GetSetting(string key) => Settings.FirstOrDefault(s => s.Key == key);

        /// <summary>
        /// The value xend uses for <paramref name="key"/> (quotes removed, escapes resolved), or null when the key is absent,
        /// has no value or its value is a list.
        /// </summary>
        public string? GetValue(string key) => GetSetting(key)?.Value;

        /// <summary>
        /// A new document in which <paramref name="key"/> has <paramref name="value"/>; this one is left as it is.
        /// <list type="bullet">
        /// <item>Every active element named <paramref name="key"/> is replaced in place by <c>(key value)</c>: the indentation
        /// before it and the rest of its line after it stay. Rewriting duplicates too keeps the file from saying two things.</item>
        /// <item>Otherwise, when the key appears in a comment line such as <c>#(key default)</c> or <c>#  (key ...)</c>, the new
        /// line is inserted right after the last such line, with the comment's indentation and line ending; the comment stays.</item>
        /// <item>Otherwise the line is appended at the end of the file, after a line break if the file does not end with one.</item>
        /// </list>
        /// </summary>
        /// <exception cref="ArgumentException">The key is not a bare word, or the value cannot be written in <paramref name="style"/>.</exception>
        public SxpDocument WithValue(string key, string value, SxpValueStyle style)
        {
            if (key is null) throw new ArgumentNullException(nameof(key));
            if (value is null) throw new ArgumentNullException(nameof(value));
            if (!IsBareWord(key)) throw new ArgumentException($"'{key}' cannot be a setting name: use letters, digits and - _ . : / only.", nameof(key));
            var element = "(" + key + " " + Format(value, style) + ")";

            var active = Expressions.Where(e => e.Node.Name == key).ToList();
            if (active.Count > 0)
            {
                var text = _text;
                foreach (var e in active.OrderByDescending(e => e.Start))
                {
                    text = text.Substring(0, e.Start) + element + text.Substring(e.Start + e.Length);
                }
                return Parse(text);
            }
            return Parse(InsertLine(element, LastCommentedLine(key)));
        }

        /// <summary>The original text, byte for byte when nothing was changed.</summary>
        public override string ToString() => _text;

        private static string Format(string value, SxpValueStyle style)
        {
            switch (style)
            {
                case SxpValueStyle.Bare:
                    if (!IsBareWord(value))
                    {
                        throw new ArgumentException($"'{value}' cannot be written as a bare word (it is empty or holds spaces, quotes, brackets, '#', ';' or backslashes); write it single-quoted.", nameof(value));
                    }
                    return value;
                case SxpValueStyle.SingleQuoted:
                    return SxpNode.Quote(value);
                default:
                    throw new ArgumentOutOfRangeException(nameof(style), style, "Unknown value style.");
            }
        }

        /// <summary>Printable ASCII that xend reads back as one bare atom, quote and backslash excluded for clarity.</summary>
        private static bool IsBareWord(string value) =>
            value.Length > 0 && value.All(c => c > ' ' && c < '\x7f' && !SxpReader.EndsXendBareAtom(c) && c != '\'' && c != '"' && c != '\\');

        /// <summary>Where a line goes in: indentation, line ending and offset after the comment line that names the key.</summary>
        /// <param name="Indent">The line's indentation.</param>
        /// <param name="End">Offset just after the line, its line break included.</param>
        /// <param name="NewLine">The line's own line break; null when it is the last line and has none.</param>
        private sealed record CommentLine(string Indent, int End, string? NewLine);

        private CommentLine? LastCommentedLine(string key)
        {
            var pattern = new Regex(@"^([ \t]*)#[ \t]*\(" + Regex.Escape(key) + @"(?=[\s)]|$)");
            CommentLine? last = null;
            for (var start = 0; start < _text.Length;)
            {
                var lf = _text.IndexOf('\n', start);
                var end = lf < 0 ? _text.Length : lf + 1;
                var match = pattern.Match(_text.Substring(start, end - start));
                if (match.Success && !Expressions.Any(e => e.Start < start && start < e.Start + e.Length))
                {
                    var newLine = lf < 0 ? null : lf > 0 && _text[lf - 1] == '\r' ? "\r\n" : "\n";
                    last = new CommentLine(match.Groups[1].Value, end, newLine);
                }
                start = end;
            }
            return last;
        }

        /// <summary>The text with <paramref name="line"/> inserted after <paramref name="after"/>, or appended when it is null.</summary>
        private string InsertLine(string line, CommentLine? after)
        {
            var fileNewLine = _text.Contains("\r\n") ? "\r\n" : "\n";
            var at = after?.End ?? _text.Length;
            var newLine = after?.NewLine ?? fileNewLine;
            var breakFirst = at > 0 && _text[at - 1] != '\n' ? fileNewLine : "";
            return _text.Substring(0, at) + breakFirst + (after?.Indent ?? "") + line + newLine + _text.Substring(at);
        }
    }
}
