namespace XenPS.Core.Parsing
{
    /// <summary>One active top-level element of an <see cref="SxpDocument"/>, such as <c>(xend-relocation-port 8002)</c>.</summary>
    /// <param name="Node">The parsed element.</param>
    /// <param name="Text">The element exactly as written in the file, from its <c>(</c> to its <c>)</c>.</param>
    /// <param name="Line">The 1-based line of its opening parenthesis.</param>
    public sealed record SxpDocumentSetting(SxpNode Node, string Text, int Line)
    {
        /// <summary>The element name: <c>xend-relocation-port</c>.</summary>
        public string Key => Node.Name!;

        /// <summary>The first value when it is an atom (quotes removed, escapes resolved); null for <c>(key )</c> or a list value.</summary>
        public string? Value => Node.Items.Count > 1 ? Node.Items[1].Value : null;

        public override string ToString() => Text;
    }
}
