namespace XenPS.Core.Sessions
{
    /// <summary>What the registry knows of one registered session when it decides whether to reuse it.</summary>
    /// <param name="Id">The session's registry number.</param>
    /// <param name="ComputerName">The host as the user named it.</param>
    /// <param name="ConnectionKey"><c>user@host:port</c> as connected to, with the jump hosts' after <c>via</c>.</param>
    /// <param name="Settings">The settings the session was opened with (<see cref="SessionOptions.Settings"/>).</param>
    /// <param name="State">Opened, Broken or Closed.</param>
    internal readonly record struct SessionEntry(int Id, string ComputerName, string ConnectionKey, string Settings, XenSessionState State)
    {
        /// <summary>The jump host part of <see cref="ConnectionKey"/> (empty for a direct session): the route the session takes.</summary>
        public string Route => SessionRules.RouteOf(ConnectionKey);
    }

    /// <summary>What the registry does for a request.</summary>
    public enum SessionAction
    {
        /// <summary>An open session of the same host is handed back.</summary>
        Reuse,

        /// <summary>A session of the same host had broken; it was connected again with its own settings.</summary>
        Reconnect,

        /// <summary>A new session was opened.</summary>
        Open,

        /// <summary>The sessions of the same host were closed and a new one opened in their place (New-XenSession -Force, or after they broke).</summary>
        Replace,
    }

    /// <summary>The registry's decision: what to do, with which session, and which sessions to close first.</summary>
    /// <param name="Action">What to do.</param>
    /// <param name="Id">The session reused or reconnected; 0 for a new one.</param>
    /// <param name="Replaced">The sessions to close and forget before a new one opens.</param>
    /// <param name="SettingsDiffer">The session reused was opened with other settings than were asked for now.</param>
    internal sealed record SessionDecision(SessionAction Action, int Id, IReadOnlyList<int> Replaced, bool SettingsDiffer);

    /// <summary>
    /// The registry's rules, kept apart from the connections so that they are plain decisions. Two sessions are of the same host when
    /// they share the ComputerName and the route (direct, or the same jump hosts), or when they connect to the same <c>user@host:port</c> the
    /// same way. A direct and a jumped session to one host are kept apart on purpose: they fail and are trusted independently.
    /// </summary>
    internal static class SessionRules
    {
        private const string Via = " via ";

        /// <summary>
        /// New-XenSession: an open session of the same host is reused (<see cref="SessionDecision.SettingsDiffer"/> when it connects
        /// otherwise than asked); with <paramref name="force"/>, or when the only ones left broke, they are replaced by a new one.
        /// </summary>
        public static SessionDecision ForNew(IEnumerable<SessionEntry> registered, string computerName, string key, string settings, bool force)
        {
            var same = SameHost(registered, computerName, key).ToList();
            var open = same.Where(e => e.State == XenSessionState.Opened).ToList();
            if (!force && open.Count > 0)
            {
                var reused = open.FirstOrDefault(e => e.ConnectionKey == key);
                if (reused.Id == 0) reused = open[0];
                return new SessionDecision(SessionAction.Reuse, reused.Id, Array.Empty<int>(), reused.ConnectionKey != key || reused.Settings != settings);
            }
            var replaced = same.Select(e => e.Id).ToList();
            return new SessionDecision(replaced.Count > 0 ? SessionAction.Replace : SessionAction.Open, 0, replaced, false);
        }

        /// <summary>
        /// A host named with -ComputerName: its open session is reused, else its broken session is reconnected (never replaced behind the
        /// user's back), else a new one opens. <paramref name="byName"/> lets a session of the same ComputerName count even when it connects
        /// to another key: true when the request names no user or port of its own.
        /// </summary>
        public static SessionDecision ForImplicit(IEnumerable<SessionEntry> registered, string computerName, string key, bool byName)
        {
            var same = registered.Where(e => e.State != XenSessionState.Closed
                && (e.ConnectionKey == key || byName && string.Equals(e.ComputerName, computerName, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(e => e.ConnectionKey == key ? 0 : 1).ThenBy(e => e.Id).ToList();
            var open = same.FirstOrDefault(e => e.State == XenSessionState.Opened);
            if (open.Id != 0) return new SessionDecision(SessionAction.Reuse, open.Id, Array.Empty<int>(), false);
            var broken = same.FirstOrDefault(e => e.State == XenSessionState.Broken);
            if (broken.Id != 0) return new SessionDecision(SessionAction.Reconnect, broken.Id, Array.Empty<int>(), false);
            return new SessionDecision(SessionAction.Open, 0, Array.Empty<int>(), false);
        }

        /// <summary>
        /// Whether two connection keys reach the same dom0 (the same <c>user@host:port</c>, whatever the route): two sessions given in one
        /// call for such a host are worked on once.
        /// </summary>
        public static bool SameEndpoint(string key, string otherKey) => EndpointOf(key) == EndpointOf(otherKey);

        /// <summary>The jump host part of a connection key; empty for a direct connection.</summary>
        public static string RouteOf(string connectionKey)
        {
            var at = connectionKey.IndexOf(Via, StringComparison.Ordinal);
            return at < 0 ? "" : connectionKey.Substring(at + Via.Length);
        }

        private static string EndpointOf(string connectionKey)
        {
            var at = connectionKey.IndexOf(Via, StringComparison.Ordinal);
            return at < 0 ? connectionKey : connectionKey.Substring(0, at);
        }

        private static IEnumerable<SessionEntry> SameHost(IEnumerable<SessionEntry> registered, string computerName, string key) =>
            registered.Where(e => e.State != XenSessionState.Closed
                && (e.ConnectionKey == key || string.Equals(e.ComputerName, computerName, StringComparison.OrdinalIgnoreCase) && e.Route == RouteOf(key)));
    }
}
