namespace XenPS.Core.Sessions
{
    /// <summary>
    /// The sessions of one PowerShell process: those opened with New-XenSession and the implicit ones of <c>-ComputerName</c>,
    /// which are reused per <c>user@host:port</c>. Safe to use from several threads.
    /// </summary>
    public sealed class SessionRegistry
    {
        private readonly object gate = new object();
        private readonly List<XenSession> sessions = new List<XenSession>();
        private readonly Dictionary<string, Task<XenSession>> opening = new Dictionary<string, Task<XenSession>>(StringComparer.Ordinal);
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

        /// <summary>Closes <paramref name="session"/> and forgets it.</summary>
        public void Remove(XenSession session)
        {
            if (session is null) throw new ArgumentNullException(nameof(session));
            lock (gate) sessions.Remove(session);
            session.Close();
        }

        /// <summary>Closes and forgets every session.</summary>
        public void Clear()
        {
            List<XenSession> all;
            lock (gate)
            {
                all = sessions.ToList();
                sessions.Clear();
            }
            all.ForEach(s => s.Close());
        }

        /// <summary>
        /// The open session for <paramref name="options"/>: one with the same <c>user@host:port</c> and jump hosts (after the ssh config is applied),
        /// or, when neither user nor port is given, one opened for the same ComputerName; otherwise a new registered session.
        /// A broken session for the same key is closed and replaced. Concurrent calls for one key share one connection attempt.
        /// </summary>
        public async Task<XenSession> GetOrOpenAsync(SessionOptions options, CancellationToken cancellationToken)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            var key = ConnectionTarget.Resolve(options).Key;
            Task<XenSession>? opening;
            List<XenSession> broken;
            lock (gate)
            {
                var open = sessions.Where(s => s.State == XenSessionState.Opened).ToList();
                var reusable = open.FirstOrDefault(s => s.ConnectionKey == key)
                    ?? (options.UserName is null && options.Port is null
                        ? open.FirstOrDefault(s => string.Equals(s.ComputerName, options.ComputerName, StringComparison.OrdinalIgnoreCase))
                        : null);
                if (reusable != null) return reusable;
                broken = sessions.Where(s => s.ConnectionKey == key && s.State == XenSessionState.Broken).ToList();
                broken.ForEach(s => sessions.Remove(s));
                if (!this.opening.TryGetValue(key, out opening))
                {
                    opening = Task.Run(() => OpenAndAddAsync(options, key, cancellationToken));
                    this.opening[key] = opening;
                }
            }
            broken.ForEach(s => s.Close());
            return await opening.ConfigureAwait(false);
        }

        private async Task<XenSession> OpenAndAddAsync(SessionOptions options, string key, CancellationToken cancellationToken)
        {
            try
            {
                return Add(await XenSessionFactory.OpenAsync(options, cancellationToken).ConfigureAwait(false));
            }
            finally
            {
                lock (gate) opening.Remove(key);
            }
        }
    }
}
