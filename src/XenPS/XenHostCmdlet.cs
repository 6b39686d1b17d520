namespace XenPS
{
    /// <summary>
    /// A cmdlet that does one thing on each host and takes the hosts from the pipeline: names by property name (-ComputerName, every
    /// open session when none is given) or sessions by value (-Session). The hosts are worked on in parallel; then, in the order given,
    /// each host's answer is written, or one error record that names the host.
    /// </summary>
    /// <remarks>
    /// Not generic over the answer's type: a base type naming a XenPS.Core type would have to be loaded while the
    /// module is imported, before XenPS.Core can be resolved from dependencies/.
    /// </remarks>
    public abstract class XenHostCmdlet : XenTargetCmdlet
    {
        /// <summary>Hosts (names, addresses or ssh_config aliases) to query over an implicit, reused session.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public override string[]? ComputerName { get; set; }

        /// <summary>Sessions opened with New-XenSession.</summary>
        [Parameter(ParameterSetName = SessionSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public override XenSession[]? Session { get; set; }

        /// <summary>The answer of one host; <paramref name="computerName"/> is the host as the user named it.</summary>
        protected abstract Task<object> QueryAsync(XenSession session, string computerName, CancellationToken cancellationToken);

        /// <summary>Writes the answer of one host to the pipeline; called on the pipeline thread.</summary>
        protected virtual void WriteAnswer(string computerName, object answer) => WriteObject(answer);

        /// <inheritdoc/>
        protected override void EndProcessing() =>
            ForEachHost(async (target, ct) => await QueryAsync(await SessionForAsync(target, ct).ConfigureAwait(false), target.ComputerName, ct).ConfigureAwait(false),
                (target, answer) => WriteAnswer(target.ComputerName, answer));
    }
}
