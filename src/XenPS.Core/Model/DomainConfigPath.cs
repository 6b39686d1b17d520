namespace XenPS.Core.Model
{
    /// <summary>
    /// The rule for the path of a domain's configuration file that a cold move copies: absolute, under /etc/xen, no line break
    /// or other control character, no quote or backslash, no '.', '..' or empty segment, and neither a toolstack's own settings nor a file of
    /// /etc/xen/auto (which xendomains starts at boot whatever its name, so renaming it there would not retire it).
    /// </summary>
    public static class DomainConfigPath
    {
        /// <summary>The folder the toolstacks keep domain configurations in.</summary>
        public const string Folder = "/etc/xen/";

        private static readonly string[] ToolstackFiles = { "xend-config.sxp", "xl.conf", "xend-pci-permissive.sxp", "xend-pci-quirks.sxp" };

        private static readonly string[] ToolstackFolders = { "auto", "scripts" };

        /// <summary>Why <paramref name="path"/> is not a configuration file a cold move may copy, or null.</summary>
        public static string? ProblemWith(string? path)
        {
            if (HostPath.Problem(path, "which xm pastes into Python code as it loads the file (opts.py: xm_file = '...')") is string problem) return problem;
            if (!path!.StartsWith(Folder, StringComparison.Ordinal)) return $"is not under {Folder}, where the toolstacks keep domain configurations";
            var segments = path.Substring(Folder.Length).Split('/');
            if (segments.Any(HostPath.IsOddSegment)) return "has an empty, '.' or '..' segment, or ends with '/'";
            if (segments.Length > 1 && ToolstackFolders.Contains(segments[0], StringComparer.Ordinal))
            {
                return segments[0] == "auto"
                    ? $"is in {Folder}auto, whose every file xendomains starts at boot (renaming it there would not stop that); give the file its link there points to, and remove the link"
                    : $"is in {Folder}{segments[0]}, which holds the toolstack's own scripts";
            }
            if (segments.Length == 1 && ToolstackFiles.Contains(segments[0], StringComparer.Ordinal)) return "is the toolstack's own settings, not a domain configuration";
            return null;
        }

        /// <summary>
        /// The name the source's file gets once its copy is on <paramref name="destination"/>: <c>PATH.moved-to-HOST</c>, HOST the
        /// destination's name with every character other than a letter, digit, '.', '-' and '_' made '_'.
        /// </summary>
        public static string MovedName(string path, string destination) =>
            path + ".moved-to-" + HostPath.Safe(destination);
    }
}
