using XenPS.Core.Remote;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// The sessions of one PowerShell process: those opened with New-XenSession and the implicit ones of <c>-ComputerName</c>, one per
    /// host (see <see cref="SessionRules"/>), and the settings New-XenSession was given for each host name, which implicit sessions reuse
    /// after the session closed or broke. Safe to use from several threads.
    /// </summary>
    public sealed class SessionRegistry
    {
        private readonly object gate = new object();
        private readonly List<XenSession> sessions = new List<XenSession>();
        private readonly Dictionary<string, Task<XenSession>> opening = new Dictionary<string, Task<XenSession>>(StringComparer.Ordinal);
        private readonly Dictionary<string, SessionOptions> remembered = new Dictionary<string, SessionOptions>(StringComparer.OrdinalIgnoreCase);
        private int lastId;

        /// <summary>The registry of the module; emptied when the module is removed.</summary>
        public static SessionRegistry Default { get; } = new SessionRegistry();

        /// <summary>Registers <paramref name="session"/> under the next Id and returns it; a session already registered keeps its Id.</summary>
        public XenSession Add(XenSession session)
        {
            if (session is null) throw new ArgumentNullException(nameof(session));
            lock (gate)
            {
                if (!sessions.Contains(session))
                {
                    session.Id = ++lastId;
                    sessions.Add(session);
                }
            }
            return session;
        }

        /// <summary>Every registered session, in Id order.</summary>
        public IReadOnlyList<XenSession> Get()
        {
            lock (gate) return sessions.ToList();
        }

        public XenSession? GetById(int id)
        {
            lock (gate) return sessions.FirstOrDefault(s => s.Id == id);
        }

        /// <summary>The sessions whose ComputerName is <paramref name="computerName"/>, ignoring case.</summary>
        public IReadOnlyList<XenSession> GetByComputerName(string computerName)
        {
            lock (gate) return sessions.Where(s => string.Equals(s.ComputerName, computerName, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        /// <summary>Closes <paramref name="session"/> and forgets it; the settings it was opened with stay for its host name.</summary>
        public void Remove(XenSession session)
        {
            if (session is null) throw new ArgumentNullException(nameof(session));
            lock (gate) sessions.Remove(session);
            session.Close();
        }

        /// <summary>Closes and forgets every session, and the settings given for each host name.</summary>
        public void Clear()
        {
            List<XenSession> all;
            lock (gate)
            {
                all = sessions.ToList();
                sessions.Clear();
                remembered.Clear();
            }
            all.ForEach(s => s.Close());
        }

        /// <summary>
        /// The options for an implicit session to <paramref name="computerName"/>: a copy of those New-XenSession last opened a session
        /// with for that name (even when that session has closed or broken since), else the defaults (ssh config, default keys, root).
        /// </summary>
        public SessionOptions OptionsFor(string computerName)
        {
            lock (gate) return remembered.TryGetValue(computerName, out var given) ? given.Copy() : new SessionOptions { ComputerName = computerName };
        }

        /// <summary>Whether two sessions reach the same dom0 as the same user (<see cref="SessionRules.SameEndpoint"/>).</summary>
        public static bool SameHost(XenSession session, XenSession other) =>
            session is null || other is null ? throw new ArgumentNullException(nameof(session)) : SessionRules.SameEndpoint(session.ConnectionKey, other.ConnectionKey);

        /// <summary>
        /// New-XenSession: the open session of the same host (<see cref="SessionRules.ForNew"/>), else a new registered session whose
        /// options are remembered for its host name. <paramref name="force"/> closes the host's sessions and opens a new one.
        /// </summary>
        public async Task<SessionLease> OpenAsync(SessionOptions options, bool force, CancellationToken cancellationToken)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            var key = ConnectionTarget.Resolve(options).Key;
            Task<XenSession> opened;
            List<XenSession> replaced;
            SessionDecision decision;
            lock (gate)
            {
                decision = SessionRules.ForNew(Entries(), options.ComputerName, key, options.Settings, force);
                if (decision.Action == SessionAction.Reuse) return SessionLease.Reused(sessions.First(s => s.Id == decision.Id), decision.SettingsDiffer);
                replaced = sessions.Where(s => decision.Replaced.Contains(s.Id)).ToList();
                replaced.ForEach(s => sessions.Remove(s));
                opened = OpeningFor(options, key, cancellationToken);
            }
            replaced.ForEach(s => s.Close());
            var session = await opened.ConfigureAwait(false);
            lock (gate) remembered[options.ComputerName] = options.Copy();
            return SessionLease.Opened(session, decision.Action, replaced.Select(s => s.Id).ToList());
        }

        /// <summary>
        /// The session of a host named with -ComputerName (<see cref="SessionRules.ForImplicit"/>): the open one, else the broken one
        /// connected again with its own settings, else a new registered session. Concurrent calls for one key share one connection attempt.
        /// </summary>
        /// <exception cref="XenSessionException">
        /// <see cref="XenSessionErrorId.SessionBroken"/> when a broken session cannot be connected again; for a host name New-XenSession
        /// was never given, the error of the connection attempt, saying that the defaults were used and what to do.
        /// </exception>
        public async Task<SessionLease> GetOrOpenAsync(SessionOptions options, CancellationToken cancellationToken)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            var key = ConnectionTarget.Resolve(options).Key;
            SessionDecision decision;
            XenSession? chosen;
            Task<XenSession>? opened = null;
            bool given;
            lock (gate)
            {
                decision = SessionRules.ForImplicit(Entries(), options.ComputerName, key, options.UserName is null && options.Port is null);
                chosen = sessions.FirstOrDefault(s => s.Id == decision.Id);
                if (decision.Action == SessionAction.Reuse) return SessionLease.Reused(chosen!, false);
                if (decision.Action == SessionAction.Open) opened = OpeningFor(options, key, cancellationToken);
                given = remembered.ContainsKey(options.ComputerName);
            }
            if (decision.Action == SessionAction.Reconnect)
            {
                await chosen!.ReconnectAsync(cancellationToken).ConfigureAwait(false);
                return SessionLease.Reconnected(chosen);
            }
            try
            {
                return SessionLease.Opened(await opened!.ConfigureAwait(false), SessionAction.Open, Array.Empty<int>());
            }
            catch (XenSessionException e) when (!given && NeverOpened.Explains(e.ErrorId))
            {
                throw NeverOpened.Error(options.ComputerName, e);
            }
        }

        private List<SessionEntry> Entries() =>
            sessions.Select(s => new SessionEntry(s.Id, s.ComputerName, s.ConnectionKey, s.OpenedWith?.Settings ?? "", s.State)).ToList();

        /// <summary>The connection attempt for <paramref name="key"/>: the one under way, else a new one. Called under the gate.</summary>
        private Task<XenSession> OpeningFor(SessionOptions options, string key, CancellationToken cancellationToken)
        {
            if (!opening.TryGetValue(key, out var task))
            {
                task = Task.Run(() => OpenAndAddAsync(options, key, cancellationToken));
                opening[key] = task;
            }
            return task;
        }

        private async Task<XenSession> OpenAndAddAsync(SessionOptions options, string key, CancellationToken cancellationToken)
        {
            try
            {
                var session = await XenSessionFactory.OpenAsync(options, cancellationToken).ConfigureAwait(false);
                session.OpenedWith = options.Copy();
                return Add(session);
            }
            finally
            {
                lock (gate) opening.Remove(key);
            }
        }
    }
}
