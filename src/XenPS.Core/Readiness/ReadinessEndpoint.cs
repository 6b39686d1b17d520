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
    internal sealed record ReadinessEndpoint(string Name, string HostName = "", IRemoteShell? Shell = null, string? Error = null, int Port = 22)
    {
        public static ReadinessEndpoint From(XenSession? session, Exception? error, string name)
        {
            if (session is null)
            {
                return new ReadinessEndpoint(Name: name, HostName: name, Error: $"No session to {VisibleText.Shorten(name)}: {error?.Message ?? "none was opened."}");
            }
            return new ReadinessEndpoint(Name: name, Shell: session.Shell, HostName: session.HostName, Port: session.Port);
        }

        /// <summary>Both endpoints reach the same sshd.</summary>
        public bool IsSameHostAs(ReadinessEndpoint other) =>
            Shell != null && other.Shell != null && Port == other.Port && string.Equals(HostName, other.HostName, StringComparison.OrdinalIgnoreCase);
    }
}
