namespace XenPS.Core.Model
{
    /// <summary>What every path that XenPS gives a toolstack on a host must be, and how a name becomes part of a file name there.</summary>
    public static class HostPath
    {
        private const int MaxLength = 1024;

        /// <summary>
        /// Why <paramref name="path"/> cannot be such a path, or null: empty, too long, a line break or another control character,
        /// not absolute, or a quote or a backslash (<paramref name="quoteReason"/> says why that matters where it is used).
        /// </summary>
        public static string? Problem(string? path, string quoteReason)
        {
            if (string.IsNullOrEmpty(path)) return "is empty";
            if (path!.Length > MaxLength) return $"is longer than {MaxLength} characters";
            if (path.Any(c => char.IsControl(c))) return "holds a line break or another control character";
            if (!path.StartsWith("/", StringComparison.Ordinal)) return "is not an absolute path";
            if (path.IndexOfAny(new[] { '\'', '\\' }) >= 0) return "holds a quote or a backslash, " + quoteReason;
            return null;
        }

        /// <summary>True when a segment of a path is empty, '.' or '..'.</summary>
        public static bool IsOddSegment(string segment) => segment.Length == 0 || segment == "." || segment == "..";

        /// <summary><paramref name="name"/> with every character other than an ASCII letter, digit, '.', '-' and '_' made '_'.</summary>
        public static string Safe(IEnumerable<char> name) =>
            new string(name.Select(c => c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '-' || c == '_') ? c : '_').ToArray());
    }
}
