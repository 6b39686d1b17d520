using XenPS.Completers;
using XenPS.Core.Sessions;

namespace XenPS.Commands
{
    /// <summary>Closes sessions and removes them from the registry.</summary>
    [Cmdlet(VerbsCommon.Remove, "XenSession", DefaultParameterSetName = SessionSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveXenSessionCommand : PSCmdlet
    {
        private const string SessionSet = "Session";
        private const string ComputerNameSet = "ComputerName";
        private const string IdSet = "Id";

        /// <summary>Sessions to close.</summary>
        [Parameter(ParameterSetName = SessionSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public XenSession[]? Session { get; set; }

        /// <summary>Host names of the sessions to close; wildcards allowed.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Mandatory = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>Ids of the sessions to close.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true)]
        public int[]? Id { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var sessions = ParameterSetName == SessionSet ? Session! : SessionSelection.Select(ComputerName, Id).ToArray();
            foreach (var session in sessions)
            {
                SessionRegistry.Default.Remove(session);
            }
        }
    }
}
