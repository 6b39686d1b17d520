using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace XenPS.Core.Sessions
{
    /// <summary>A key file to offer, and whether it was asked for by name (then a problem with it is an error, not a skip).</summary>
    internal sealed class KeyFileChoice
    {
        public KeyFileChoice(string path, bool required)
        {
            Path = path;
            Required = required;
        }

        public string Path { get; }

        public bool Required { get; }
    }

    /// <summary><see cref="SessionOptions"/> with the ssh config and the defaults applied: everything needed to connect.</summary>
    internal sealed class ConnectionTarget
    {
        private static readonly string[] DefaultKeyNames = { "id_ed25519", "id_ecdsa", "id_rsa" };
        private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

        private ConnectionTarget(SessionOptions options, SshHostConfig config, string userName, int port, IReadOnlyList<KeyFileChoice> keyFiles, string knownHostsPath)
        {
            ComputerName = options.ComputerName;
            HostName = config.HostName;
            Port = port;
            UserName = userName;
            KeyFiles = keyFiles;
            KnownHostsPath = knownHostsPath;
            ConnectTimeout = options.ConnectTimeout ?? config.ConnectTimeout ?? DefaultConnectTimeout;
            AcceptNewHostKey = options.AcceptNewHostKey || config.StrictHostKeyChecking is "accept-new" or "no" or "off";
            CommandTimeout = options.CommandTimeout;
            UseSudo = options.UseSudo;
            Password = options.Password;
            KeyPassphrase = options.KeyPassphrase;
        }

        /// <summary>The host as the user named it.</summary>
        public string ComputerName { get; }

        /// <summary>The name or address connected to (the ssh config's HostName, or <see cref="ComputerName"/>).</summary>
        public string HostName { get; }

        public int Port { get; }

        public string UserName { get; }

        public IReadOnlyList<KeyFileChoice> KeyFiles { get; }

        public string KnownHostsPath { get; }

        public TimeSpan ConnectTimeout { get; }

        public bool AcceptNewHostKey { get; }

        public TimeSpan? CommandTimeout { get; }

        public bool UseSudo { get; }

        public string? Password { get; }

        public string? KeyPassphrase { get; }

        /// <summary><c>user@host:port</c> with the host as connected to, in lower case: the identity of a connection.</summary>
        public string Key => $"{UserName}@{HostName.ToLowerInvariant()}:{Port}";

        /// <summary>The names known_hosts is searched under: the name typed and, when different, the host name connected to.</summary>
        public IReadOnlyList<string> KnownHostsNames =>
            new[] { ComputerName, HostName }.Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        public static ConnectionTarget Resolve(SessionOptions options)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            if (string.IsNullOrWhiteSpace(options.ComputerName)) throw new ArgumentException("ComputerName is empty.", nameof(options));
            var config = LoadConfig(options).Resolve(options.ComputerName, options.UserName, options.Port, "root");
            var keyFiles = options.KeyFilePaths.Length > 0
                ? options.KeyFilePaths.Select(p => new KeyFileChoice(Path.GetFullPath(UserPaths.ExpandTilde(p)), true))
                : config.IdentityFiles.Count > 0
                    ? config.IdentityFiles.Select(p => new KeyFileChoice(p, false))
                    : DefaultKeyNames.Select(n => new KeyFileChoice(Path.Combine(UserPaths.SshFolder, n), false));
            var knownHosts = options.KnownHostsPath is { } path ? Path.GetFullPath(UserPaths.ExpandTilde(path))
                : config.UserKnownHostsFile ?? Path.Combine(UserPaths.SshFolder, "known_hosts");
            return new ConnectionTarget(options, config, options.UserName ?? config.User ?? "root", options.Port ?? config.Port ?? 22, keyFiles.ToList(), knownHosts);
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
