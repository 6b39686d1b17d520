using XenPS.Completers;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Commands
{
    /// <summary>Gets the domains (guests) of one or more Xen hosts.</summary>
    [Cmdlet(VerbsCommon.Get, "XenDomain", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XenDomain))]
    public sealed class GetXenDomainCommand : XenCmdlet
    {
        private const string ComputerNameSet = "ComputerName";
        private const string SessionSet = "Session";

        private readonly List<HostTarget> targets = new List<HostTarget>();

        /// <summary>Domain names; wildcards allowed. All domains when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DomainPatternCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Hosts (names, addresses or ssh_config aliases) to query over an implicit, reused session.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>Sessions opened with New-XenSession.</summary>
        [Parameter(ParameterSetName = SessionSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public XenSession[]? Session { get; set; }

        /// <summary>User and password for implicit sessions that need password authentication.</summary>
        [Parameter(ParameterSetName = ComputerNameSet)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Include Domain-0 in the output.</summary>
        [Parameter]
        public SwitchParameter IncludeDom0 { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            ValidateWildcards(Name, nameof(Name));
            AddTargets(targets, ComputerName, Session, Name ?? new[] { "*" });
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var outcomes = RunOnEach(targets, async (target, ct) =>
            {
                var session = await SessionForAsync(target, Credential, ct).ConfigureAwait(false);
                return await new XenToolstack(session.Shell, session.Toolstack).GetDomainListAsync(ct).ConfigureAwait(false);
            });
            for (var i = 0; i < targets.Count; i++)
            {
                var target = targets[i];
                if (outcomes[i].Error is Exception error)
                {
                    WriteError(ToErrorRecord(error, target.ComputerName));
                    continue;
                }
                foreach (var warning in outcomes[i].Value.Warnings) WriteWarning(warning);
                WriteDomains(target, outcomes[i].Value.Domains);
            }
        }

        private void WriteDomains(HostTarget target, IReadOnlyList<XenDomain> domains)
        {
            foreach (var pattern in target.Names)
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                var matched = domains.Where(d => wildcard.IsMatch(d.Name)).ToList();
                if (matched.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteError(NewErrorRecord(
                        new ItemNotFoundException($"No domain named '{VisibleText.Shorten(pattern)}' on {target.ComputerName}. Run Get-XenDomain -ComputerName {target.ComputerName} to list its domains."),
                        XenSessionErrorId.DomainNotFound, pattern));
                }
            }
            foreach (var domain in domains)
            {
                if (domain.IsDom0 && !IncludeDom0) continue;
                if (target.Names.Any(p => new WildcardPattern(p, WildcardOptions.IgnoreCase).IsMatch(domain.Name)))
                {
                    domain.ComputerName = target.ComputerName;
                    if (domain.Inconsistency is string inconsistency) WriteWarning($"{target.ComputerName}: {VisibleText.Escape(domain.Name)}: {inconsistency}");
                    WriteObject(domain);
                }
            }
        }
    }
}
