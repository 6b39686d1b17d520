namespace XenPS.Commands
{
    /// <summary>Closes sessions and removes them from the registry.</summary>
    [Cmdlet(VerbsCommon.Remove, "XenSession", DefaultParameterSetName = SessionSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveXenSessionCommand : SessionRegistryCmdlet
    {
        private const string SessionSet = "Session";

        /// <summary>Sessions to close.</summary>
        [Parameter(ParameterSetName = SessionSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public XenSession[]? Session { get; set; }

        /// <summary>Host names of the sessions to close; wildcards allowed.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Mandatory = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public override string[]? ComputerName { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var sessions = ParameterSetName == SessionSet ? Session! : SelectedSessions().ToArray();
            foreach (var session in sessions)
            {
                SessionRegistry.Default.Remove(session);
            }
        }
    }
}
