namespace XenPS.Core.Parsing
{
    /// <summary>
    /// One line that differs between two versions of a document (<see cref="SxpDocument.Diff"/>): changed (both texts),
    /// inserted (no <see cref="OldText"/>) or removed (no <see cref="NewText"/>). Texts carry no line break.
    /// </summary>
    /// <param name="LineNumber">1-based: the line in the new version for a changed or inserted line, in the old version for a removed one.</param>
    /// <param name="OldText">The line before the change; null for an inserted line.</param>
    /// <param name="NewText">The line after the change; null for a removed line.</param>
    public sealed record SxpLineChange(int LineNumber, string? OldText, string? NewText)
    {
        /// <summary><c>line 309: (a 1) -> (a 2)</c>, <c>line 128: + (a 2)</c> or <c>line 12: - (a 1)</c>.</summary>
        public override string ToString() =>
            OldText == null ? $"line {LineNumber}: + {NewText}"
            : NewText == null ? $"line {LineNumber}: - {OldText}"
            : $"line {LineNumber}: {OldText} -> {NewText}";
    }
}
