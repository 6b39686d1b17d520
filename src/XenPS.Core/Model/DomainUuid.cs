using System.Text.RegularExpressions;

namespace XenPS.Core.Model
{
    /// <summary>A domain's UUID as the toolstacks print it: what tells one guest from another of the same name.</summary>
    public static class DomainUuid
    {
        private static readonly Regex Canonical = new Regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant);

        /// <summary>True for a UUID in its canonical 8-4-4-4-12 hex form.</summary>
        public static bool IsUuid(string? value) => value != null && Canonical.IsMatch(value);

        /// <summary>True when <paramref name="listed"/> and <paramref name="expected"/> are the same UUID, or either is not known.</summary>
        public static bool SameOrUnknown(string? listed, string? expected) =>
            !IsUuid(listed) || !IsUuid(expected) || string.Equals(listed, expected, StringComparison.OrdinalIgnoreCase);
    }
}
