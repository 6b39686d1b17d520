namespace XenPS.Core.Model
{
    /// <summary>
    /// The rule for the folder that Move-XenDomain -SaveTo writes a guest's state file into, and the name of that file. The
    /// folder: absolute, not the root, no line break or other control character, no quote or backslash, no '.', '..' or
    /// empty segment (one trailing '/' is dropped). Whether it is shared by both hosts is proved on the hosts, not here.
    /// </summary>
    public static class SaveFolderPath
    {
        /// <summary>How the state file's name ends.</summary>
        public const string Extension = ".xenps-save";

        /// <summary>The most characters of the domain's name that the file's name keeps.</summary>
        private const int MaxNameLength = 64;

        /// <summary>How many hex digits of the random token the file's name keeps.</summary>
        private const int TokenLength = 8;

        /// <summary>Why <paramref name="folder"/> cannot hold a state file, or null.</summary>
        public static string? ProblemWith(string? folder)
        {
            if (HostPath.Problem(folder, "which XenPS keeps out of every path it gives the toolstacks") is string problem) return problem;
            var normal = Normalize(folder!);
            if (normal == "/") return "is the root folder; give a folder on storage that both hosts share";
            if (normal.Substring(1).Split('/').Any(HostPath.IsOddSegment)) return "has an empty, '.' or '..' segment";
            return null;
        }

        /// <summary><paramref name="folder"/> without one trailing '/' (the root stays '/').</summary>
        public static string Normalize(string folder) =>
            folder.Length > 1 && folder.EndsWith("/", StringComparison.Ordinal) ? folder.Substring(0, folder.Length - 1) : folder;

        /// <summary>
        /// The state file's name for <paramref name="domain"/>, saved at <paramref name="when"/>:
        /// <c>NAME-YYYYMMDD-HHMMSS-TOKEN.xenps-save</c>. NAME is the domain's name with every character other than a letter,
        /// digit, '.', '-' and '_' made '_', a leading '.' or '-' too, and cut at 64 characters; TOKEN is the first 8 characters of
        /// <paramref name="token"/> (random hex), so that no two saves share a file.
        /// </summary>
        public static string FileName(string domain, DateTime when, string token)
        {
            var safe = HostPath.Safe(domain.Take(MaxNameLength));
            if (safe.Length == 0 || safe[0] == '.' || safe[0] == '-') safe = "_" + (safe.Length == 0 ? "" : safe.Substring(1));
            var suffix = new string(token.Where(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')).Take(TokenLength).ToArray());
            return $"{safe}-{when.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{suffix}{Extension}";
        }

        /// <summary>The state file's full path: <paramref name="folder"/> (see <see cref="Normalize"/>) and <see cref="FileName"/>.</summary>
        public static string StateFile(string folder, string domain, DateTime when, string token) => Normalize(folder) + "/" + FileName(domain, when, token);
    }
}
