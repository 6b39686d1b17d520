using System.Collections.Generic;
using System.Linq;

namespace XenPS.Tests.HostileInput
{
    /// <summary>
    /// Values an attacker or a mistake could put where a host name, an ssh command or a domain name goes: shell
    /// metacharacters, line breaks, NUL, a leading '-', very long text, unicode look-alikes and terminal escapes. Each one
    /// that a shell ran would create <see cref="Canary"/>. The Pester corpus in tests/Pester/HostileInput.Tests.ps1 holds
    /// the same values.
    /// </summary>
    internal static class HostileInputCorpus
    {
        public const string Canary = "/tmp/xenps-canary";

        private static readonly Dictionary<string, string> Values = new Dictionary<string, string>
        {
            ["semicolon"] = "xl-b;touch " + Canary,
            ["command substitution"] = "$(touch " + Canary + ")xl-b",
            ["command substitution without spaces"] = "$(touch${IFS}" + Canary + ")xl-b",
            ["backquotes"] = "`touch " + Canary + "`xl-b",
            ["single quote"] = "xl-b'; touch " + Canary + "; '",
            ["double quote"] = "xl-b\"; touch " + Canary + "; \"",
            ["pipe and ampersand"] = "xl-b|touch " + Canary + "&",
            ["redirection"] = "xl-b>" + Canary,
            ["newline"] = "xl-b\ntouch " + Canary,
            ["carriage return"] = "xl-b\rtouch " + Canary,
            ["tab"] = "xl-b\ttouch",
            ["NUL"] = "xl-b\0touch " + Canary,
            ["leading dash"] = "-oProxyCommand=touch " + Canary,
            ["leading dash without spaces"] = "-oProxyCommand=touch${IFS}" + Canary,
            ["glob"] = "xl-*",
            ["4 KB"] = new string('a', 4096) + ";touch " + Canary,
            ["4 KB of letters"] = new string('a', 4096),
            ["1 MB"] = new string('b', 1024 * 1024),
            ["unicode letter"] = "xl-b\u00e9",
            ["fullwidth look-alike"] = "\uff58\uff4c-\uff42",
            ["right-to-left override"] = "xl-b\u202e",
            ["non-ASCII digits"] = "\u0661\u0662",
            ["ANSI escapes"] = "\u001b]0;pwned\u0007\u001b[2Jxl-b",
            ["C1 CSI"] = "\u009b2Jxl-b",
            ["empty"] = "",
            ["space"] = " ",
        };

        public static IEnumerable<object[]> Names => Values.Keys.Select(k => new object[] { k });

        /// <summary>The values that can be written on one ssh_config line (no line break or NUL).</summary>
        public static IEnumerable<object[]> OneLineNames =>
            Values.Where(v => v.Value.Trim().Length > 0 && v.Value.IndexOfAny(new[] { '\n', '\r', '\0' }) < 0).Select(v => new object[] { v.Key });

        /// <summary>The corpus values that can be a file's name: one line, no '/', not longer than a file system takes.</summary>
        public static IEnumerable<object[]> FileNames => OneLineNames.Where(n =>
        {
            var value = Value((string)n[0]);
            return !value.Contains('/') && value.Length <= 200;
        });

        public static string Value(string name) => Values[name];

        public static int Count => Values.Count;
    }
}
