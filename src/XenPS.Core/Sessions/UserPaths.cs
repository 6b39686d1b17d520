namespace XenPS.Core.Sessions
{
    /// <summary>The local user's home folder and the OpenSSH files in it.</summary>
    public static class UserPaths
    {
        /// <summary>$HOME, or the user profile folder where HOME is not set (Windows).</summary>
        public static string Home
        {
            get
            {
                var home = Environment.GetEnvironmentVariable("HOME");
                return string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home!;
            }
        }

        public static string SshFolder => Path.Combine(Home, ".ssh");

        /// <summary>Replaces a leading <c>~</c> (alone or before a slash) with the home folder.</summary>
        public static string ExpandTilde(string path)
        {
            if (path == "~") return Home;
            if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
            {
                return Path.Combine(Home, path.Substring(2));
            }
            return path;
        }
    }
}
