namespace XenPS
{
    /// <summary>
    /// A cmdlet that picks sessions of this PowerShell session's registry: by host name patterns (-ComputerName) or by ids (-Id).
    /// </summary>
    /// <remarks>
    /// -ComputerName is virtual: a cmdlet that binds it otherwise overrides it with its own attributes, as PowerShell's own
    /// remoting cmdlets do.
    /// </remarks>
    public abstract class SessionRegistryCmdlet : PSCmdlet
    {
        /// <summary>The parameter set of -ComputerName.</summary>
        protected const string ComputerNameSet = "ComputerName";

        /// <summary>The parameter set of -Id.</summary>
        protected const string IdSet = "Id";

        /// <summary>Host names of the sessions; wildcards allowed. All sessions when omitted.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public virtual string[]? ComputerName { get; set; }

        /// <summary>Session ids.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true)]
        public int[]? Id { get; set; }

        /// <summary>The sessions that -Id names, else those whose host name matches a -ComputerName pattern, else every session.</summary>
        private protected IEnumerable<XenSession> SelectedSessions()
        {
            var sessions = SessionRegistry.Default.Get();
            if (Id is int[] ids) return sessions.Where(s => ids.Contains(s.Id));
            if (ComputerName is null) return sessions;
            var patterns = ComputerName.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            return sessions.Where(s => patterns.Any(p => p.IsMatch(s.ComputerName)));
        }
    }
}
