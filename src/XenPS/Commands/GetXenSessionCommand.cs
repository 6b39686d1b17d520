using XenPS.Completers;
using XenPS.Core.Sessions;

namespace XenPS.Commands
{
    /// <summary>Gets the sessions of this PowerShell session's registry.</summary>
    [Cmdlet(VerbsCommon.Get, "XenSession", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XenSession))]
    public sealed class GetXenSessionCommand : PSCmdlet
    {
        private const string ComputerNameSet = "ComputerName";
        private const string IdSet = "Id";

        /// <summary>Host names of the sessions; wildcards allowed. All sessions when omitted.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>Session ids.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true)]
        public int[]? Id { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (var session in SessionSelection.Select(ComputerName, Id))
            {
                WriteObject(session);
            }
        }
    }

    /// <summary>Selects registry sessions by host name patterns or ids.</summary>
    internal static class SessionSelection
    {
        public static System.Collections.Generic.IEnumerable<XenSession> Select(string[]? computerNames, int[]? ids)
        {
            var sessions = SessionRegistry.Default.Get();
            if (ids is not null) return sessions.Where(s => ids.Contains(s.Id));
            if (computerNames is null) return sessions;
            var patterns = computerNames.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            return sessions.Where(s => patterns.Any(p => p.IsMatch(s.ComputerName)));
        }
    }
}
