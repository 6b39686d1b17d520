using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Text;

namespace XenPS.Core.Readiness
{
    /// <summary>One of the two dom0s as the checker uses it: its shell, or why there is none.</summary>
    /// <param name="Name">The host as the user named it.</param>
    /// <param name="HostName">The name or address the session connected to.</param>
    /// <param name="Shell">The session's shell; null when there is none.</param>
    /// <param name="Error">Why there is no shell.</param>
    /// <param name="Port">The SSH port the session connected to.</param>
    /// <param name="HostKeyFingerprint">The host key the session met; empty when not known.</param>
    internal sealed record ReadinessEndpoint(string Name, string HostName = "", IRemoteShell? Shell = null, string? Error = null, int Port = 22, string HostKeyFingerprint = "")
    {
        public static ReadinessEndpoint From(XenSession? session, Exception? error, string name)
        {
            if (session is null)
            {
                return new ReadinessEndpoint(Name: name, HostName: name, Error: $"No session to {VisibleText.Shorten(name)}: {error?.Message ?? "none was opened."}");
            }
            return new ReadinessEndpoint(Name: name, Shell: session.Shell, HostName: session.HostName, Port: session.Port, HostKeyFingerprint: session.HostKeyFingerprint);
        }

        /// <summary>Why both endpoints reach one host (see <see cref="HostIdentity.IsSameHostAs"/>); null when they are two hosts, or one has no shell.</summary>
        public string? SameHostAs(ReadinessEndpoint other) =>
            Shell != null && other.Shell != null && Identity.IsSameHostAs(other.Identity) ? Identity.Why(other.Identity) : null;

        private HostIdentity Identity => new HostIdentity(HostName, Port, HostKeyFingerprint);
    }
}
