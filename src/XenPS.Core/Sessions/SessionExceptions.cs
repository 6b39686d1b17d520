using XenPS.Core.Remote;

namespace XenPS.Core.Sessions
{
    /// <summary>The host offered a key that no known_hosts entry records for it.</summary>
    public sealed class HostKeyUnknownException : XenSessionException
    {
        /// <summary>
        /// <paramref name="sessionComputerName"/> is the host of the session being opened: <paramref name="computerName"/> itself, or the
        /// host that <paramref name="computerName"/> is a jump host to (-AcceptNewHostKey on that session applies to its jump hosts).
        /// </summary>
        public HostKeyUnknownException(string computerName, string hostName, int port, string keyType, string fingerprint, string knownHostsPath, string sessionComputerName)
            : base(XenSessionErrorId.HostKeyUnknown,
                $"The host key of {computerName} is not known: {keyType} {fingerprint} is not recorded in {knownHostsPath}. " +
                $"If this is the host's key (check on the host with 'ssh-keygen -lf /etc/ssh/ssh_host_{ShortType(keyType)}_key.pub'), " +
                $"accept it with 'New-XenSession -ComputerName {sessionComputerName} -AcceptNewHostKey', " +
                $"or add the host's keys with 'ssh-keyscan{(port == 22 ? "" : $" -p {port}")} {hostName} >> {knownHostsPath}'.")
        {
            KeyType = keyType;
            Fingerprint = fingerprint;
        }

        public string KeyType { get; }

        public string Fingerprint { get; }

        private static string ShortType(string keyType) =>
            keyType.StartsWith("ecdsa-", StringComparison.Ordinal) ? "ecdsa" : keyType.StartsWith("ssh-", StringComparison.Ordinal) ? keyType.Substring(4) : keyType;
    }

    /// <summary>
    /// A jump host on the way to a session's host failed. <see cref="XenSessionException.ErrorId"/> is that of the hop's own failure
    /// (HostKeyUnknown, AuthenticationFailed, ConnectionFailed...), which is the <see cref="Exception.InnerException"/>; the message names the hop.
    /// </summary>
    public sealed class JumpHostException : XenSessionException
    {
        internal JumpHostException(ConnectionTarget hop, string sessionComputerName, XenSessionException failure)
            : base(failure.ErrorId, $"Jump host {hop.Label} on the way to {sessionComputerName}: {failure.Message}", failure)
        {
            JumpHost = JumpHostSpec.Format(hop.UserName, hop.ComputerName, hop.Port);
        }

        /// <summary>The hop that failed, as <c>user@host:port</c> with the host as named.</summary>
        public string JumpHost { get; }
    }

    /// <summary>The host offered a key that differs from the one recorded for it: always refused.</summary>
    public sealed class HostKeyChangedException : XenSessionException
    {
        public HostKeyChangedException(string computerName, string keyType, string fingerprint, IReadOnlyList<KnownHostsKey> recorded, string knownHostsPath)
            : base(XenSessionErrorId.HostKeyChanged, BuildMessage(computerName, keyType, fingerprint, recorded, knownHostsPath))
        {
            KeyType = keyType;
            Fingerprint = fingerprint;
            RecordedKeys = recorded;
        }

        public string KeyType { get; }

        /// <summary>The fingerprint of the key the host offered.</summary>
        public string Fingerprint { get; }

        /// <summary>The keys of the same type that known_hosts records for the host.</summary>
        public IReadOnlyList<KnownHostsKey> RecordedKeys { get; }

        private static string BuildMessage(string computerName, string keyType, string fingerprint, IReadOnlyList<KnownHostsKey> recorded, string knownHostsPath)
        {
            var lines = string.Join(", ", recorded.Select(k => $"{k.Fingerprint} (line {k.LineNumber})"));
            var removals = string.Join(" and ", recorded.Select(k => k.MatchedName).Distinct(StringComparer.Ordinal)
                .Select(name => $"'ssh-keygen -R {ShellWord(name)} -f {knownHostsPath}'"));
            return $"The host key of {computerName} has changed: it offered {keyType} {fingerprint}, but {knownHostsPath} records {lines}. " +
                "Someone may be intercepting the connection, or the host was reinstalled: XenPS refuses to connect. " +
                $"Only if you know the key changed, remove the old entry with {removals} and connect again with -AcceptNewHostKey.";
        }

        private static string ShellWord(string name) => name.IndexOf('[') >= 0 ? "\"" + name + "\"" : name;
    }

    /// <summary>The server refused every authentication method offered.</summary>
    public sealed class SshAuthenticationFailedException : XenSessionException
    {
        public SshAuthenticationFailedException(string computerName, string userAtHost, string methodsTried, string serverReply, Exception innerException)
            : base(XenSessionErrorId.AuthenticationFailed,
                $"Authentication as {userAtHost} failed (tried: {methodsTried}; the server said: {serverReply}). " +
                "Give a key file the server accepts with -KeyFilePath (its passphrase with -Credential), or the user's password with -Credential, " +
                "and check that the user name is right.",
                innerException)
        {
            MethodsTried = methodsTried;
        }

        public string MethodsTried { get; }
    }

    /// <summary>sudo on the host wants a password, which XenPS never types.</summary>
    public sealed class SudoPasswordRequiredException : XenSessionException
    {
        public SudoPasswordRequiredException(string computerName, string userName)
            : base(XenSessionErrorId.SudoPasswordRequired,
                $"sudo on {computerName} asks {userName} for a password, so XenPS cannot run commands as root there. " +
                $"Allow {userName} to run commands as root without a password (for example the line '{userName} ALL=(root) NOPASSWD: ALL' in a file under /etc/sudoers.d, edited with visudo), " +
                "or connect as root.")
        {
        }
    }

    /// <summary>
    /// A host named with -ComputerName that New-XenSession was never given could not be reached with the defaults. The error id is the
    /// attempt's own; the message adds that the defaults were used, and how to give the host's settings, since a typo looks the same.
    /// </summary>
    internal static class NeverOpened
    {
        /// <summary>The failures a mistyped name, or a host that needs settings of its own, produce.</summary>
        private static readonly XenErrorId[] Explained =
        {
            XenSessionErrorId.NoCredentials, XenSessionErrorId.HostNotFound, XenSessionErrorId.ConnectionFailed,
            XenSessionErrorId.ConnectTimeout, XenSessionErrorId.AuthenticationFailed,
        };

        public static bool Explains(XenErrorId id) => Explained.Contains(id);

        public static XenSessionException Error(string computerName, XenSessionException failure) => new XenSessionException(failure.ErrorId,
            $"No session was opened for {computerName}, so it was connected to with the default settings (what ~/.ssh/config gives for that name, " +
            $"else the default key files and user root), and that failed: {failure.Message} Check the name (Get-XenSession lists the hosts with sessions); if it is right, open its " +
            $"session first with New-XenSession -ComputerName {computerName} and the settings it needs (-SshConfigPath, -KeyFilePath, -Credential, " +
            "-UseSudo), which later commands naming it reuse.", failure);
    }
}
