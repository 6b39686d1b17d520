using XenPS.Core.Text;

namespace XenPS.Commands
{
    /// <summary>Gets the domains (guests) of one or more Xen hosts.</summary>
    [Cmdlet(VerbsCommon.Get, "XenDomain", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XenDomain))]
    public sealed class GetXenDomainCommand : XenTargetCmdlet
    {
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
        public override string[]? ComputerName { get; set; }

        /// <summary>Include Domain-0 in the output.</summary>
        [Parameter]
        public SwitchParameter IncludeDom0 { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            ValidateWildcards(Name, nameof(Name));
            AddTargets(Name ?? new[] { "*" });
        }

        /// <inheritdoc/>
        protected override void EndProcessing() =>
            ForEachHost(async (target, ct) =>
                {
                    var session = await SessionForAsync(target, ct).ConfigureAwait(false);
                    return await session.Reader().GetDomainListAsync(ct).ConfigureAwait(false);
                },
                (target, list) =>
                {
                    foreach (var warning in list.Warnings) WriteWarning(warning);
                    WriteDomains(target, list.Domains);
                });

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
