using System.Net;
using XenPS.Core.Remote;

namespace XenPS.Core.Sessions
{
    /// <summary>The settings an OpenSSH client config gives one host.</summary>
    /// <param name="HostName">The HostName setting (with <c>%h</c> expanded), or the alias itself when there is none.</param>
    /// <param name="User">The User setting, or null.</param>
    /// <param name="Port">The Port setting, or null.</param>
    /// <param name="IdentityFiles">Every IdentityFile that applies, in order, with <c>~</c> and <c>%</c> tokens expanded.</param>
    /// <param name="UserKnownHostsFile">The first path of the first UserKnownHostsFile that applies, expanded.</param>
    /// <param name="ConnectTimeout">The ConnectTimeout setting, or null (also for <c>none</c>).</param>
    /// <param name="StrictHostKeyChecking">As written: <c>yes</c>, <c>no</c>, <c>ask</c>, <c>accept-new</c> or <c>off</c>.</param>
    /// <param name="ProxyJump">
    /// The hops of the ProxyJump that applies, first hop first; empty for <c>ProxyJump none</c>; null when the file gives none
    /// (or a ProxyCommand came first: as in OpenSSH, the first of ProxyJump and ProxyCommand obtained wins).
    /// </param>
    /// <param name="ProxyCommandSource">
    /// Where a ProxyCommand other than <c>none</c> applies (<c>FILE line N</c>), or null. XenPS runs no proxy commands, so a
    /// connection that would need one is refused; the command itself is not kept, as it may hold secrets.
    /// </param>
    internal sealed record SshHostConfig(string HostName, string? User, int? Port, IReadOnlyList<string> IdentityFiles, string? UserKnownHostsFile,
        TimeSpan? ConnectTimeout, string? StrictHostKeyChecking, IReadOnlyList<JumpHostSpec>? ProxyJump, string? ProxyCommandSource);

    /// <summary>
    /// An OpenSSH client config (ssh_config). Follows OpenSSH: the first value obtained for a keyword wins (IdentityFile
    /// accumulates), <c>Host</c> lines take several patterns with <c>*</c>, <c>?</c> and <c>!</c>, keywords ignore case,
    /// <c>Key Value</c> and <c>Key=Value</c> forms, quoted values, <c>Include</c> (relative paths under ~/.ssh, wildcards).
    /// <c>ProxyJump</c> is read (its hops are checked); <c>ProxyCommand</c> is only noted, as XenPS does not run it.
    /// <c>Match</c> blocks are not evaluated: their settings are skipped.
    /// </summary>
    public sealed class SshConfigFile
    {
        private const int MaxIncludeDepth = 16;

        /// <summary>ProxyJump and ProxyCommand exclude each other: the first of them obtained is kept under this key.</summary>
        private const string ProxyKey = "proxyjump|proxycommand";
        private readonly IReadOnlyList<Directive> directives;

        private SshConfigFile(string path, IReadOnlyList<Directive> directives)
        {
            Path = path;
            this.directives = directives;
        }

        public string Path { get; }

        /// <summary>Reads the file and the files it includes; a missing file is an empty config.</summary>
        public static SshConfigFile Load(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            return new SshConfigFile(path, File.Exists(path) ? ReadFile(path, 0) : Array.Empty<Directive>());
        }

        /// <summary>
        /// The settings for <paramref name="alias"/> (the host name as typed). <paramref name="userName"/> and <paramref name="port"/> are the
        /// values given outside the file (like <c>ssh -l</c> and <c>-p</c>), used for the <c>%r</c> and <c>%p</c> tokens;
        /// <paramref name="defaultUser"/> stands for <c>%r</c> when neither they nor the file name a user (OpenSSH uses the local user).
        /// </summary>
        internal SshHostConfig Resolve(string alias, string? userName = null, int? port = null, string? defaultUser = null)
        {
            if (string.IsNullOrEmpty(alias)) throw new ArgumentException("A host name is needed.", nameof(alias));
            var found = new Dictionary<string, Directive>(StringComparer.Ordinal);
            var identityFiles = new List<Directive>();
            Walk(directives, alias.ToLowerInvariant(), found, identityFiles);

            var hostName = found.TryGetValue("hostname", out var h) ? Expand(h, h.Args[0], TokensOf(alias, alias)) : alias;
            var user = found.TryGetValue("user", out var u) ? u.Args[0] : null;
            var configPort = found.TryGetValue("port", out var p) ? ParseInt(p) : (int?)null;
            var connectTimeout = found.TryGetValue("connecttimeout", out var t) && !IsNone(t.Args[0]) ? TimeSpan.FromSeconds(ParseInt(t)) : (TimeSpan?)null;
            var strict = found.TryGetValue("stricthostkeychecking", out var s) ? s.Args[0].ToLowerInvariant() : null;
            IReadOnlyList<JumpHostSpec>? proxyJump = null;
            string? proxyCommandSource = null;
            if (found.TryGetValue(ProxyKey, out var proxy))
            {
                if (proxy.Keyword == "proxyjump") proxyJump = ParseProxyJump(proxy);
                else if (!(proxy.Args.Count == 1 && IsNone(proxy.Args[0]))) proxyCommandSource = $"{proxy.File} line {proxy.Line}";
            }

            var tokens = TokensOf(alias, hostName);
            tokens['r'] = userName ?? user ?? defaultUser ?? Environment.UserName;
            tokens['p'] = (port ?? configPort ?? 22).ToString(CultureInfo.InvariantCulture);
            var files = identityFiles.Select(d => Expand(d, UserPaths.ExpandTilde(d.Args[0]), tokens)).Distinct(StringComparer.Ordinal).ToList();
            var knownHosts = found.TryGetValue("userknownhostsfile", out var k) ? Expand(k, UserPaths.ExpandTilde(k.Args[0]), tokens) : null;
            return new SshHostConfig(hostName, user, configPort, files, knownHosts, connectTimeout, strict, proxyJump, proxyCommandSource);
        }

        /// <summary>The names on <c>Host</c> lines that are plain aliases (no wildcard, no negation), in file order: for completion.</summary>
        public IReadOnlyList<string> HostAliases()
        {
            var aliases = new List<string>();
            CollectAliases(directives, aliases);
            return aliases.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        private static void CollectAliases(IReadOnlyList<Directive> directives, List<string> aliases)
        {
            foreach (var d in directives)
            {
                if (d.Keyword == "host") aliases.AddRange(d.Args.Where(a => a.IndexOfAny(new[] { '*', '?', '!' }) < 0));
                else if (d.Keyword == "include") foreach (var file in d.Included) CollectAliases(file, aliases);
            }
        }

        private static void Walk(IReadOnlyList<Directive> directives, string host, Dictionary<string, Directive> found, List<Directive> identityFiles)
        {
            var active = true;
            foreach (var d in directives)
            {
                switch (d.Keyword)
                {
                    case "host":
                        active = HostPattern.MatchesList(host, d.Args);
                        break;
                    case "match":
                        active = false;
                        break;
                    case "include":
                        if (active)
                        {
                            foreach (var file in d.Included) Walk(file, host, found, identityFiles);
                        }
                        break;
                    case "identityfile":
                        if (active && d.Args.Count > 0) identityFiles.Add(d);
                        break;
                    case "proxyjump":
                    case "proxycommand":
                        if (active && d.Args.Count > 0 && !found.ContainsKey(ProxyKey)) found[ProxyKey] = d;
                        break;
                    default:
                        if (active && d.Args.Count > 0 && !found.ContainsKey(d.Keyword)) found[d.Keyword] = d;
                        break;
                }
            }
        }

        private static Dictionary<char, string> TokensOf(string alias, string hostName)
        {
            var localHost = Dns.GetHostName();
            var dot = localHost.IndexOf('.');
            return new Dictionary<char, string>
            {
                ['%'] = "%",
                ['d'] = UserPaths.Home,
                ['h'] = hostName,
                ['n'] = alias,
                ['u'] = Environment.UserName,
                ['l'] = localHost,
                ['L'] = dot > 0 ? localHost.Substring(0, dot) : localHost,
            };
        }

        private static string Expand(Directive d, string value, Dictionary<char, string> tokens)
        {
            var sb = new StringBuilder(value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] != '%')
                {
                    sb.Append(value[i]);
                    continue;
                }
                if (i + 1 >= value.Length || !tokens.TryGetValue(value[i + 1], out var replacement))
                {
                    throw Invalid(d, $"the token '%{(i + 1 < value.Length ? value[i + 1].ToString() : "")}' in '{value}' is not one XenPS expands here (%%, %d, %h, %l, %L, %n, %p, %r, %u)");
                }
                sb.Append(replacement);
                i++;
            }
            return sb.ToString();
        }

        private static int ParseInt(Directive d)
        {
            if (int.TryParse(d.Args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
            throw Invalid(d, $"{d.Keyword} needs a positive whole number, not '{d.Args[0]}'");
        }

        private static IReadOnlyList<JumpHostSpec> ParseProxyJump(Directive d)
        {
            if (d.Args.Count > 1) throw Invalid(d, $"ProxyJump takes one value, hops separated by commas without spaces, not '{string.Join(" ", d.Args)}'");
            return JumpHostSpec.TryParseList(d.Args[0], out var problem)
                ?? throw Invalid(d, $"ProxyJump {problem}; write the hops as [user@]host[:port], separated by commas");
        }

        private static bool IsNone(string value) => string.Equals(value, "none", StringComparison.OrdinalIgnoreCase);

        private static XenSessionException Invalid(Directive d, string problem) =>
            new XenSessionException(XenSessionErrorId.SshConfigInvalid, $"{d.File} line {d.Line}: {problem}. Correct the ssh config file.");

        private static IReadOnlyList<Directive> ReadFile(string path, int depth)
        {
            var directives = new List<Directive>();
            var lineNumber = 0;
            foreach (var line in File.ReadAllLines(path))
            {
                lineNumber++;
                var words = Tokenize(line, out var keyword);
                if (keyword.Length == 0) continue;
                var directive = new Directive(keyword.ToLowerInvariant(), words, path, lineNumber);
                if (directive.Keyword == "include")
                {
                    if (depth >= MaxIncludeDepth)
                    {
                        throw new XenSessionException(XenSessionErrorId.SshConfigInvalid,
                            $"{path} line {lineNumber}: Include is nested more than {MaxIncludeDepth} deep (a file may include itself). Correct the ssh config file.");
                    }
                    directive.Included = words.SelectMany(IncludedFiles).Select(f => ReadFile(f, depth + 1)).ToList();
                }
                directives.Add(directive);
            }
            return directives;
        }

        /// <summary>The files an Include argument names: relative paths are under ~/.ssh; wildcards in the file name are expanded, sorted.</summary>
        private static IEnumerable<string> IncludedFiles(string argument)
        {
            var path = UserPaths.ExpandTilde(argument);
            if (!System.IO.Path.IsPathRooted(path)) path = System.IO.Path.Combine(UserPaths.SshFolder, path);
            var folder = System.IO.Path.GetDirectoryName(path) ?? "";
            var name = System.IO.Path.GetFileName(path);
            if (name.IndexOfAny(new[] { '*', '?' }) < 0) return File.Exists(path) ? new[] { path } : Array.Empty<string>();
            if (!Directory.Exists(folder)) return Array.Empty<string>();
            return Directory.GetFiles(folder, name).OrderBy(f => f, StringComparer.Ordinal);
        }

        /// <summary>
        /// Splits a line into its keyword (ended by white space or one <c>=</c>) and its arguments. Arguments may be quoted with
        /// <c>"</c> or <c>'</c>; a backslash escapes a quote, a backslash or (outside quotes) a space; an unquoted word that starts with <c>#</c> ends the line.
        /// </summary>
        internal static List<string> Tokenize(string line, out string keyword)
        {
            var words = new List<string>();
            var s = line.Trim();
            keyword = "";
            if (s.Length == 0 || s[0] == '#') return words;
            var i = 0;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] != '=') i++;
            keyword = s.Substring(0, i);
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            if (i < s.Length && s[i] == '=') i++;
            while (i < s.Length)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
                if (i >= s.Length || s[i] == '#') break;
                var word = new StringBuilder();
                char quote = '\0';
                for (; i < s.Length && (quote != '\0' || !char.IsWhiteSpace(s[i])); i++)
                {
                    var c = s[i];
                    if (c == '\\' && i + 1 < s.Length && IsEscapable(s[i + 1], quote)) word.Append(s[++i]);
                    else if (quote == '\0' && (c == '"' || c == '\'')) quote = c;
                    else if (c == quote) quote = '\0';
                    else word.Append(c);
                }
                words.Add(word.ToString());
            }
            return words;
        }

        private static bool IsEscapable(char c, char quote) => c == '\\' || c == '"' || c == '\'' || (quote == '\0' && c == ' ');

        /// <summary>One keyword line of a config file.</summary>
        /// <param name="Keyword">The keyword in lower case.</param>
        /// <param name="Args">The words after it, unquoted.</param>
        /// <param name="File">The file it is in.</param>
        /// <param name="Line">Its 1-based line in <paramref name="File"/>.</param>
        private sealed record Directive(string Keyword, IReadOnlyList<string> Args, string File, int Line)
        {
            /// <summary>For an Include: the directives of each file it names. Each file starts with its settings applying, as in OpenSSH.</summary>
            public IReadOnlyList<IReadOnlyList<Directive>> Included { get; set; } = Array.Empty<IReadOnlyList<Directive>>();
        }
    }
}
