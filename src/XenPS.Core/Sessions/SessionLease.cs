namespace XenPS.Core.Sessions
{
    /// <summary>
    /// A session the registry handed out, with what it did to get it and what the user should be told: a verbose note and a warning,
    /// for the cmdlet to write (Core writes nothing itself).
    /// </summary>
    public sealed class SessionLease
    {
        private SessionLease(XenSession session, SessionAction action, string? note, string? warning)
        {
            Session = session;
            Action = action;
            Note = note;
            Warning = warning;
        }

        public XenSession Session { get; }

        public SessionAction Action { get; }

        /// <summary>What the registry did, for a verbose line; null when it only handed back an open session asked for by host name.</summary>
        public string? Note { get; }

        /// <summary>What the user should act on: settings given now that an open session does not have, or a non-root user without sudo.</summary>
        public string? Warning { get; }

        /// <summary>An open session of the host; <paramref name="settingsDiffer"/> when it was asked for with other settings (New-XenSession).</summary>
        internal static SessionLease Reused(XenSession session, bool settingsDiffer) => new SessionLease(session, SessionAction.Reuse,
            $"Session {session.Id} to {session.ComputerName} ({Endpoint(session)}) is already open: it is returned instead of a second session. " +
            $"Give -Force to close it and open a new one.",
            settingsDiffer
                ? $"Session {session.Id} to {session.ComputerName} is already open as {Endpoint(session)}{(session.UseSudo ? " with sudo" : "")}, and it is returned: " +
                  "the settings given now differ from those it was opened with, and are not used. Give -Force to replace it with a session of these settings."
                : null);

        /// <summary>A broken session, connected again with its own settings.</summary>
        internal static SessionLease Reconnected(XenSession session) => new SessionLease(session, SessionAction.Reconnect,
            $"Session {session.Id} to {session.ComputerName} had broken ({session.BreakReason}); it was connected again as {Endpoint(session)} with the settings it was opened with.",
            null);

        /// <summary>A new session; <paramref name="replaced"/> are the sessions of the host it replaces.</summary>
        internal static SessionLease Opened(XenSession session, SessionAction action, IReadOnlyList<int> replaced) => new SessionLease(session, action,
            replaced.Count == 0
                ? $"Opened session {session.Id} to {session.ComputerName} as {Endpoint(session)}."
                : $"Closed session {string.Join(", ", replaced)} of {session.ComputerName} and opened session {session.Id} as {Endpoint(session)} in its place.",
            session.NotRootWarning);

        private static string Endpoint(XenSession session) =>
            $"{session.UserName}@{session.HostName}:{session.Port}" + (session.JumpHost.Length > 0 ? $" via {session.JumpHost}" : "");
    }
}
