using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Text;

namespace XenPS.Core.Readiness
{
    /// <summary>One of the two dom0s as the checker uses it: its shell, or why there is none.</summary>
    internal sealed class ReadinessEndpoint
    {
        /// <summary>The host as the user named it.</summary>
        public string Name { get; set; } = "";

        public IRemoteShell? Shell { get; set; }

        /// <summary>Why there is no shell.</summary>
        public string? Error { get; set; }

        /// <summary>The name or address the session connected to.</summary>
        public string HostName { get; set; } = "";

        /// <summary>The SSH port the session connected to.</summary>
        public int Port { get; set; } = 22;

        public static ReadinessEndpoint From(XenSession? session, Exception? error, string name)
        {
            if (session is null)
            {
                return new ReadinessEndpoint
                {
                    Name = name,
                    HostName = name,
                    Error = $"No session to {VisibleText.Shorten(name)}: {error?.Message ?? "none was opened."}",
                };
            }
            return new ReadinessEndpoint { Name = name, Shell = session.Shell, HostName = session.HostName, Port = session.Port };
        }

        /// <summary>Both endpoints reach the same sshd.</summary>
        public bool IsSameHostAs(ReadinessEndpoint other) =>
            Shell != null && other.Shell != null && Port == other.Port && string.Equals(HostName, other.HostName, StringComparison.OrdinalIgnoreCase);
    }
}
