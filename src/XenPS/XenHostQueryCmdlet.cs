using XenPS.Completers;
using XenPS.Core.Sessions;

namespace XenPS
{
    /// <summary>
    /// A cmdlet that asks each host one question: hosts named with -ComputerName (or every open session) or given
    /// with -Session, queried in parallel, one object or one error record per host, in the order given.
    /// </summary>
    /// <remarks>
    /// Not generic over the answer's type: a base type naming a XenPS.Core type would have to be loaded while the
    /// module is imported, before XenPS.Core can be resolved from dependencies/.
    /// </remarks>
    public abstract class XenHostQueryCmdlet : XenCmdlet
    {
        /// <summary>The parameter set of -ComputerName.</summary>
        protected const string ComputerNameSet = "ComputerName";

        /// <summary>The parameter set of -Session.</summary>
        protected const string SessionSet = "Session";

        private readonly List<HostTarget> targets = new List<HostTarget>();

        /// <summary>Hosts (names, addresses or ssh_config aliases) to query over an implicit, reused session.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>Sessions opened with New-XenSession.</summary>
        [Parameter(ParameterSetName = SessionSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public XenSession[]? Session { get; set; }

        /// <summary>User and password for implicit sessions that need password authentication.</summary>
        [Parameter(ParameterSetName = ComputerNameSet)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The answer of one host; <paramref name="computerName"/> is the host as the user named it.</summary>
        protected abstract Task<object> QueryAsync(XenSession session, string computerName, CancellationToken cancellationToken);

        /// <summary>Writes the answer of one host to the pipeline; called on the pipeline thread.</summary>
        protected virtual void WriteAnswer(object answer) => WriteObject(answer);

        /// <inheritdoc/>
        protected override void ProcessRecord() => AddTargets(targets, ComputerName, Session, Array.Empty<string>());

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var outcomes = RunOnEach(targets, async (target, ct) =>
                await QueryAsync(await SessionForAsync(target, Credential, ct).ConfigureAwait(false), target.ComputerName, ct).ConfigureAwait(false));
            for (var i = 0; i < targets.Count; i++)
            {
                if (outcomes[i].Error is Exception error) WriteError(ToErrorRecord(error, targets[i].ComputerName));
                else WriteAnswer(outcomes[i].Value);
            }
        }
    }
}
