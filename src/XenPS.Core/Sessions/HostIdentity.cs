namespace XenPS.Core.Sessions
{
    /// <summary>What tells one dom0 from another to the client: the sshd it connected to and the host key that sshd showed.</summary>
    /// <param name="HostName">The name or address connected to.</param>
    /// <param name="Port">The SSH port connected to.</param>
    /// <param name="HostKeyFingerprint">The host key's <c>SHA256:...</c>; empty when not known.</param>
    public sealed record HostIdentity(string HostName, int Port, string HostKeyFingerprint)
    {
        public static HostIdentity Of(XenSession session) =>
            new HostIdentity(session?.HostName ?? throw new ArgumentNullException(nameof(session)), session.Port, session.HostKeyFingerprint);

        /// <summary>
        /// Both are one host: the same address and port, or the same host key. The key decides when the names differ, because the
        /// client can name one host two ways (an ssh_config alias and its address, a name and its IP address) and still meets its
        /// one key; two hosts share a key only when one was cloned from the other, and then ssh cannot tell them apart either.
        /// </summary>
        public bool IsSameHostAs(HostIdentity other)
        {
            if (other is null) throw new ArgumentNullException(nameof(other));
            if (Port == other.Port && string.Equals(HostName, other.HostName, StringComparison.OrdinalIgnoreCase)) return true;
            return HostKeyFingerprint.Length > 0 && string.Equals(HostKeyFingerprint, other.HostKeyFingerprint, StringComparison.Ordinal);
        }

        /// <summary>Why two hosts were found to be one, for a message: the shared key, or the shared address.</summary>
        public string Why(HostIdentity other) =>
            HostKeyFingerprint.Length > 0 && string.Equals(HostKeyFingerprint, other?.HostKeyFingerprint, StringComparison.Ordinal)
                ? $"both show the SSH host key {HostKeyFingerprint}"
                : $"both are {HostName} port {Port}";
    }
}
