using XenPS.Core.Remote;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// How to reach one dom0. Unset values come from the OpenSSH client config (<see cref="SshConfigPath"/>), then from
    /// OpenSSH's defaults: port 22, <c>~/.ssh/known_hosts</c>, the key files <c>~/.ssh/id_ed25519</c>, <c>id_ecdsa</c>, <c>id_rsa</c>
    /// that exist; and from XenPS's own: user <c>root</c>, a 30 second connect timeout.
    /// </summary>
    public sealed class SessionOptions
    {
        /// <summary>The host as the user names it: a name, an address, or a Host alias of the ssh config.</summary>
        public string ComputerName { get; set; } = "";

        /// <summary>SSH port; wins over the ssh config's Port. Default 22.</summary>
        public int? Port { get; set; }

        /// <summary>Remote user; wins over the ssh config's User. Default root.</summary>
        public string? UserName { get; set; }

        /// <summary>Password for password and keyboard-interactive authentication; may be given together with key files.</summary>
        public string? Password { get; set; }

        /// <summary>Private key files (OpenSSH, PEM or PuTTY format). When empty: the ssh config's IdentityFile(s), else the default key files that exist.</summary>
        public string[] KeyFilePaths { get; set; } = Array.Empty<string>();

        /// <summary>Passphrase of encrypted key files.</summary>
        public string? KeyPassphrase { get; set; }

        /// <summary>known_hosts file; default the ssh config's UserKnownHostsFile, else <c>~/.ssh/known_hosts</c>.</summary>
        public string? KnownHostsPath { get; set; }

        /// <summary>
        /// Trust and record a host key that known_hosts does not know yet (OpenSSH's <c>StrictHostKeyChecking=accept-new</c>; the ssh
        /// config's <c>accept-new</c>, <c>no</c> or <c>off</c> has the same effect). A changed key is refused whatever this says.
        /// </summary>
        public bool AcceptNewHostKey { get; set; }

        /// <summary>OpenSSH client config; default <c>~/.ssh/config</c> (a missing default file is an empty config).</summary>
        public string? SshConfigPath { get; set; }

        /// <summary>Limit for opening the connection; when null the ssh config's ConnectTimeout, else 30 seconds.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>
        /// Default time limit of each remote command; null takes <see cref="CommandLimits.DefaultTimeout"/>, and
        /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no limit.
        /// </summary>
        public TimeSpan? CommandTimeout { get; set; }

        /// <summary>Default output limit (bytes) of each remote command; null takes <see cref="CommandLimits.DefaultMaxOutputBytes"/>.</summary>
        public long? MaxCommandOutput { get; set; }

        /// <summary>Run the commands that need root with <c>sudo -n</c> (the user needs a NOPASSWD sudo rule).</summary>
        public bool UseSudo { get; set; }

        /// <summary>
        /// Jump hosts (bastions) to pass through, first hop first, each <c>[user@]host[:port]</c> (an element may hold several separated by
        /// commas); <c>none</c> connects directly. Wins over the ssh config's ProxyJump, like <c>ssh -J</c>. Null: the ssh config decides.
        /// Each hop is resolved against the ssh config by its name and uses the key files, known_hosts file and <see cref="AcceptNewHostKey"/>
        /// of these options; <see cref="Password"/> is offered to <see cref="ComputerName"/> only.
        /// </summary>
        public string[]? JumpHosts { get; set; }

        /// <summary>
        /// Every setting that shapes a session except the host name and the secrets, as one text: two requests with the same text ask for
        /// the same session. The password and passphrase are left out; the server judges them, and they are never compared or shown.
        /// </summary>
        internal string Settings => string.Join("\n", Port, UserName, string.Join("\0", KeyFilePaths), KnownHostsPath, AcceptNewHostKey, SshConfigPath,
            ConnectTimeout, CommandTimeout, MaxCommandOutput, UseSudo, JumpHosts is null ? "(ssh config)" : string.Join(",", JumpHosts));

        /// <summary>A copy whose settings can be changed without changing these (the arrays are shared: nothing changes them in place).</summary>
        public SessionOptions Copy() => (SessionOptions)MemberwiseClone();

        /// <summary>
        /// The options of <paramref name="hop"/>, one jump host on the way to <see cref="ComputerName"/>: the user and port written in the
        /// hop (else its ssh config's) and <paramref name="jumpHosts"/>; the key files, their passphrase, the known_hosts file,
        /// <see cref="AcceptNewHostKey"/>, the ssh config and the connect timeout of these options. What concerns the host itself stays
        /// behind: the <see cref="Password"/>, and the limits and sudo of the commands run there (a hop runs none).
        /// </summary>
        internal SessionOptions ForJumpHost(JumpHostSpec hop, string[]? jumpHosts)
        {
            var options = Copy();
            options.ComputerName = hop.Host;
            options.UserName = hop.UserName;
            options.Port = hop.Port;
            options.JumpHosts = jumpHosts;
            options.Password = null;
            options.CommandTimeout = null;
            options.MaxCommandOutput = null;
            options.UseSudo = false;
            return options;
        }
    }
}
