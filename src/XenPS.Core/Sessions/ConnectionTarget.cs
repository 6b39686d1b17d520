using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Text;

namespace XenPS.Core.Sessions
{
    /// <summary>A key file to offer, and whether it was asked for by name (then a problem with it is an error, not a skip).</summary>
    /// <param name="Path">The key file's full path.</param>
    /// <param name="Required">The user named the file (a problem with it is an error), rather than the ssh config or the defaults.</param>
    internal sealed record KeyFileChoice(string Path, bool Required);

    /// <summary><see cref="SessionOptions"/> with the ssh config and the defaults applied: everything needed to connect.</summary>
    internal sealed class ConnectionTarget
    {
        private static readonly string[] DefaultKeyNames = { "id_ed25519", "id_ecdsa", "id_rsa" };
        private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

        /// <summary>The jump host list that means "connect directly", as <c>ssh -J none</c>.</summary>
        private static readonly string[] Direct = { "none" };

        /// <summary>Jump hosts one connection may pass through; more means the ProxyJump settings loop.</summary>
        internal const int MaxJumpHosts = 16;

        private ConnectionTarget(SessionOptions options, SshHostConfig config, string userName, int port, IReadOnlyList<KeyFileChoice> keyFiles, string keyFilesFrom,
            string knownHostsPath, IReadOnlyList<ConnectionTarget> jumpHosts)
        {
            KeyFilesFrom = keyFilesFrom;
            ComputerName = options.ComputerName;
            HostName = config.HostName;
            Port = port;
            UserName = userName;
            KeyFiles = keyFiles;
            KnownHostsPath = knownHostsPath;
            ConnectTimeout = options.ConnectTimeout ?? config.ConnectTimeout ?? DefaultConnectTimeout;
            AcceptNewHostKey = options.AcceptNewHostKey || config.StrictHostKeyChecking is "accept-new" or "no" or "off";
            CommandTimeout = options.CommandTimeout;
            MaxCommandOutput = options.MaxCommandOutput;
            UseSudo = options.UseSudo;
            Password = options.Password;
            KeyPassphrase = options.KeyPassphrase;
            JumpHosts = jumpHosts;
        }

        /// <summary>The host as the user named it.</summary>
        public string ComputerName { get; }

        /// <summary>The name or address connected to (the ssh config's HostName, or <see cref="ComputerName"/>).</summary>
        public string HostName { get; }

        public int Port { get; }

        public string UserName { get; }

        public IReadOnlyList<KeyFileChoice> KeyFiles { get; }

        /// <summary>Where <see cref="KeyFiles"/> come from, for messages: -KeyFilePath, the ssh config's IdentityFile, or the defaults.</summary>
        public string KeyFilesFrom { get; }

        public string KnownHostsPath { get; }

        public TimeSpan ConnectTimeout { get; }

        public bool AcceptNewHostKey { get; }

        public TimeSpan? CommandTimeout { get; }

        public long? MaxCommandOutput { get; }

        public bool UseSudo { get; }

        public string? Password { get; }

        public string? KeyPassphrase { get; }

        /// <summary>
        /// The jump hosts the connection passes through, first hop first (empty for a direct connection). Each is resolved against the
        /// ssh config like a host of its own; the first one's own ProxyJump comes before it, as with <c>ssh -J</c>.
        /// </summary>
        public IReadOnlyList<ConnectionTarget> JumpHosts { get; }

        /// <summary>
        /// <c>user@host:port</c> with the host as connected to, in lower case, followed for a jumped connection by <c>via</c> and the hops'
        /// own <c>user@host:port</c>: the identity of a connection, so that a direct and a jumped session to one host are told apart.
        /// </summary>
        public string Key => JumpHosts.Count == 0 ? EndpointKey : $"{EndpointKey} via {string.Join(",", JumpHosts.Select(h => h.EndpointKey))}";

        /// <summary>The jump hosts as <c>user@host:port,...</c> with each host as named (empty for a direct connection): what the user sees.</summary>
        public string JumpHostChain => string.Join(",", JumpHosts.Select(h => JumpHostSpec.Format(h.UserName, h.ComputerName, h.Port)));

        /// <summary>For messages: <c>NAME (user@host:port)</c> with the name as typed and the host as connected to.</summary>
        public string Label => $"{ComputerName} ({UserName}@{JumpHostSpec.Format(null, HostName, Port)})";

        private string EndpointKey => $"{UserName}@{HostName.ToLowerInvariant()}:{Port}";

        /// <summary>The names known_hosts is searched under: the name typed and, when different, the host name connected to.</summary>
        public IReadOnlyList<string> KnownHostsNames =>
            new[] { ComputerName, HostName }.Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        public static ConnectionTarget Resolve(SessionOptions options)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            if (string.IsNullOrEmpty(options.ComputerName)) throw new ArgumentException("ComputerName is empty.", nameof(options));
            return Resolve(options, LoadConfig(options), 0);
        }

        private static ConnectionTarget Resolve(SessionOptions options, SshConfigFile file, int hopsBefore)
        {
            var config = file.Resolve(options.ComputerName, options.UserName, options.Port, "root");
            if (MigrationTarget.ProblemWith(config.HostName) is string problem)
            {
                var where = string.Equals(config.HostName, options.ComputerName, StringComparison.Ordinal)
                    ? "Give a host name, an IP address or an ssh_config alias"
                    : $"Correct the HostName for it in {file.Path}";
                throw new XenSessionException(XenSessionErrorId.HostNameInvalid,
                    $"{VisibleText.Shorten(options.ComputerName)} is not connected to: the host name {problem}. {where}; XenPS hands host names to shells on the dom0s and refuses any other text.");
            }
            var keyFiles = options.KeyFilePaths.Length > 0
                ? options.KeyFilePaths.Select(p => new KeyFileChoice(Path.GetFullPath(UserPaths.ExpandTilde(p)), true))
                : config.IdentityFiles.Count > 0
                    ? config.IdentityFiles.Select(p => new KeyFileChoice(p, false))
                    : DefaultKeyNames.Select(n => new KeyFileChoice(Path.Combine(UserPaths.SshFolder, n), false));
            var keyFilesFrom = options.KeyFilePaths.Length > 0 ? "given with -KeyFilePath"
                : config.IdentityFiles.Count > 0 ? $"named by IdentityFile in {file.Path}"
                : $"the default ones, as {file.Path} gives no IdentityFile for {options.ComputerName}";
            var knownHosts = options.KnownHostsPath is { } path ? Path.GetFullPath(UserPaths.ExpandTilde(path))
                : config.UserKnownHostsFile ?? Path.Combine(UserPaths.SshFolder, "known_hosts");
            var jumpHosts = ResolveJumpHosts(options, config, file, hopsBefore);
            return new ConnectionTarget(options, config, options.UserName ?? config.User ?? "root", options.Port ?? config.Port ?? 22, keyFiles.ToList(), keyFilesFrom, knownHosts, jumpHosts);
        }

        /// <summary>
        /// The chain to reach <paramref name="options"/>' host: the jump hosts given, else the ssh config's ProxyJump. Every hop is resolved
        /// as a host of its own (its HostName, User, Port, IdentityFile, UserKnownHostsFile, ConnectTimeout, StrictHostKeyChecking); the
        /// first hop is reached through its own ProxyJump, the next ones through the hops before them, as <c>ssh -J</c> does.
        /// </summary>
        private static IReadOnlyList<ConnectionTarget> ResolveJumpHosts(SessionOptions options, SshHostConfig config, SshConfigFile file, int hopsBefore)
        {
            IReadOnlyList<JumpHostSpec> hops;
            if (options.JumpHosts is { } given)
            {
                hops = ParseGiven(given);
            }
            else if (config.ProxyCommandSource is { } source)
            {
                throw new XenSessionException(XenSessionErrorId.ProxyCommandNotSupported,
                    $"The ssh config gives a ProxyCommand for {options.ComputerName} ({source}), and XenPS does not run proxy commands. " +
                    $"Replace it with ProxyJump [user@]host[:port] in the ssh config, or give the jump host with New-XenSession -JumpHost " +
                    $"(-JumpHost none connects directly).");
            }
            else
            {
                hops = config.ProxyJump ?? Array.Empty<JumpHostSpec>();
            }
            if (hops.Count == 0) return Array.Empty<ConnectionTarget>();
            if (hopsBefore + hops.Count > MaxJumpHosts)
            {
                throw new XenSessionException(XenSessionErrorId.SshConfigInvalid,
                    $"Reaching {options.ComputerName} takes more than {MaxJumpHosts} jump hosts: the ProxyJump settings of {file.Path} probably loop " +
                    "(a jump host whose own ProxyJump leads back to it). Correct the ssh config file; 'ProxyJump none' in a jump host's block ends its chain.");
            }
            var chain = new List<ConnectionTarget>();
            for (var i = 0; i < hops.Count; i++)
            {
                var hop = Resolve(options.ForJumpHost(hops[i], i == 0 ? null : Direct), file, hopsBefore + hops.Count);
                chain.AddRange(hop.JumpHosts);
                chain.Add(hop);
            }
            return chain;
        }

        private static IReadOnlyList<JumpHostSpec> ParseGiven(string[] given)
        {
            var text = string.Join(",", given);
            var hops = JumpHostSpec.TryParseList(text, out var problem);
            if (hops is null)
            {
                throw new XenSessionException(XenSessionErrorId.JumpHostInvalid,
                    $"In the jump hosts '{text}', {problem}. Give each jump host as [user@]host[:port] (an IPv6 address in brackets, as [2001:db8::1]:22), " +
                    "or 'none' to connect directly.");
            }
            if (hops.Count > MaxJumpHosts)
            {
                throw new XenSessionException(XenSessionErrorId.JumpHostInvalid,
                    $"{hops.Count} jump hosts are given; a connection passes through at most {MaxJumpHosts}.");
            }
            return hops;
        }

        private static SshConfigFile LoadConfig(SessionOptions options)
        {
            if (options.SshConfigPath is null) return SshConfigFile.Load(Path.Combine(UserPaths.SshFolder, "config"));
            var path = Path.GetFullPath(UserPaths.ExpandTilde(options.SshConfigPath));
            if (!File.Exists(path))
            {
                throw new XenSessionException(XenSessionErrorId.SshConfigNotFound,
                    $"The ssh config file {path} does not exist. Give the path of an existing file, or leave it out to use ~/.ssh/config.");
            }
            return SshConfigFile.Load(path);
        }
    }
}
