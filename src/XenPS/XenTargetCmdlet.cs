namespace XenPS
{
    /// <summary>
    /// A cmdlet that works on hosts: named with -ComputerName, each reached over the registry's implicit, reused session (opened
    /// with -Credential), or given as sessions with -Session; with neither, every open session. Pipeline input for one host is
    /// merged, the hosts are worked on in parallel, and a host that fails gives one error record that names it.
    /// </summary>
    /// <remarks>
    /// -Session and -Credential are declared here once, virtual, and a cmdlet that binds one otherwise overrides it with its own
    /// attributes, as PowerShell's own remoting cmdlets do; -ComputerName's position, and whether it is mandatory, are each cmdlet's own.
    /// </remarks>
    public abstract class XenTargetCmdlet : XenCmdlet
    {
        /// <summary>The parameter set of -ComputerName.</summary>
        protected const string ComputerNameSet = "ComputerName";

        /// <summary>The parameter set of -Session.</summary>
        protected const string SessionSet = "Session";

        /// <summary>Hosts (names, addresses or ssh_config aliases), each reached over an implicit, reused session.</summary>
        public abstract string[]? ComputerName { get; set; }

        /// <summary>Sessions opened with New-XenSession.</summary>
        [Parameter(ParameterSetName = SessionSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public virtual XenSession[]? Session { get; set; }

        /// <summary>User and password for implicit sessions that need password authentication.</summary>
        [Parameter(ParameterSetName = ComputerNameSet)]
        [Credential]
        public virtual PSCredential? Credential { get; set; }

        /// <summary>The hosts and the domain names asked of each, pipeline input for one host merged.</summary>
        private protected List<HostTarget> Targets { get; } = new List<HostTarget>();

        /// <inheritdoc/>
        protected override void ProcessRecord() => AddTargets(Array.Empty<string>());

        /// <summary>
        /// Adds the hosts of one pipeline record, each with <paramref name="names"/>: the given sessions, else the named hosts, else every
        /// open session.
        /// </summary>
        private protected void AddTargets(IEnumerable<string> names)
        {
            if (ComputerName is not null && Session is null)
            {
                foreach (var computer in ComputerName) HostTarget.Add(Targets, computer, null, names);
                return;
            }
            foreach (var session in Session ?? OpenSessionsOrFail())
            {
                // Two sessions that reach one dom0 as one user (given twice, or one direct and one jumped) would list its domains twice.
                var first = Targets.Select(t => t.Session).FirstOrDefault(s => s is not null && SessionRegistry.SameHost(s, session)) ?? session;
                HostTarget.Add(Targets, first.ComputerName, first, names);
            }
        }

        /// <summary>
        /// The target's own session, or the registry's session for its host name: open, reconnected, or opened with the settings New-XenSession
        /// was given for that name (else the defaults), and -Credential.
        /// </summary>
        private protected Task<XenSession> SessionForAsync(HostTarget target, CancellationToken cancellationToken) =>
            target.Session is not null
                ? Task.FromResult(target.Session)
                : ImplicitSessionAsync(target.ComputerName, Credential, cancellationToken);

        /// <summary>
        /// Runs <paramref name="work"/> for every target at once, then, on the pipeline thread and in the targets' order, hands each
        /// host's result to <paramref name="write"/>, or writes the error record of a host whose work failed; Ctrl+C stops the whole call.
        /// </summary>
        private protected void ForEachHost<T>(Func<HostTarget, CancellationToken, Task<T>> work, Action<HostTarget, T> write)
        {
            var outcomes = RunOnEach(Targets, work);
            WriteSessionNotes();
            for (var i = 0; i < Targets.Count; i++)
            {
                if (outcomes[i].Error is Exception error) WriteError(ToErrorRecord(error, Targets[i].ComputerName));
                else write(Targets[i], outcomes[i].Value);
            }
        }

        /// <summary>The open sessions of the registry, for a call that names no host; none is a terminating error.</summary>
        private IReadOnlyList<XenSession> OpenSessionsOrFail()
        {
            var sessions = SessionRegistry.Default.Get().Where(s => s.State == XenSessionState.Opened).ToList();
            if (sessions.Count == 0)
            {
                ThrowTerminatingError(NewErrorRecord(
                    new ArgumentException("No host given and no open session: name hosts with -ComputerName, or open sessions with New-XenSession."),
                    XenSessionErrorId.ComputerNameRequired, null));
            }
            return sessions;
        }
    }
}
