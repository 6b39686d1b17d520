namespace XenPS.Core.Parsing
{
    /// <summary>One active top-level element of an <see cref="SxpDocument"/>, such as <c>(xend-relocation-port 8002)</c>.</summary>
    public sealed class SxpDocumentSetting
    {
        internal SxpDocumentSetting(SxpNode node, string text, int line)
        {
            Node = node;
            Text = text;
            Line = line;
        }

        /// <summary>The element name: <c>xend-relocation-port</c>.</summary>
        public string Key => Node.Name!;

        /// <summary>The first value when it is an atom (quotes removed, escapes resolved); null for <c>(key )</c> or a list value.</summary>
        public string? Value => Node.Items.Count > 1 ? Node.Items[1].Value : null;

        /// <summary>The parsed element.</summary>
        public SxpNode Node { get; }

        /// <summary>The element exactly as written in the file, from its <c>(</c> to its <c>)</c>.</summary>
        public string Text { get; }

        /// <summary>The 1-based line of its opening parenthesis.</summary>
        public int Line { get; }

        public override string ToString() => Text;
    }
}
