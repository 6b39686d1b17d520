using XenPS.Core.Readiness;

namespace XenPS
{
    /// <summary>
    /// The parameters that Test-XenMigrationReadiness and Move-XenDomain share: the domains and their source hosts (merged over
    /// the pipeline), the destination, and how the source reaches it. Not generic, and naming XenPS.Core types only in members,
    /// so that importing the module loads nothing of XenPS.Core before its load context is set up.
    /// </summary>
    public abstract class MigrationCmdlet : XenTargetCmdlet
    {
        /// <summary>Names of the domains to migrate (no wildcards: each name is one guest).</summary>
        /// <remarks>Virtual: Move-XenDomain declares it again with wildcards allowed, and PowerShell reads the attributes of the override.</remarks>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Domain")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public virtual string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>The source host, where the domains run now.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Source")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public override string[]? ComputerName { get; set; }

        /// <summary>
        /// The destination host: a name, address or ssh_config alias, or a session. Give several to spread the domains over them:
        /// each goes where every check passes and the most memory is left after it, the largest first.
        /// </summary>
        [Parameter(Mandatory = true, Position = 1)]
        [SessionToComputerName]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[] Destination { get; set; } = Array.Empty<string>();

        /// <summary>
        /// The destination's name or address as the source dom0 reaches it (the migration target), e.g. its address on the migration
        /// network. By default the first that works, from the source, of: xend-relocation-address (xm), -Destination, the
        /// destination's own host name, its addresses.
        /// </summary>
        [Parameter]
        [ValidateShellText(ShellText.MigrationTarget)]
        [Alias("MigrationAddress")]
        public string? MigrationTarget { get; set; }

        /// <summary>xm: the relocation port the source connects to (default: the one in the destination's xend-config.sxp).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>xl: the ssh command xl runs on the source to reach the destination (xl migrate -s), e.g. 'ssh -p 2222'.</summary>
        [Parameter]
        [ValidateShellText(ShellText.SshCommand)]
        public string? SshCommand { get; set; }

        /// <summary>
        /// Readiness checks whose failure does not block: they still run, and a failure becomes a warning that says it was waived,
        /// listed in WaivedChecks. HostsReachable, DomainState, NameFree and SharedStorage cannot be waived.
        /// </summary>
        /// <remarks>Strings: the ValidateSet's values are XenPS.Core's constants compiled in as text, as the module's parameters are read before XenPS.Core is loaded.</remarks>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateSet(ReadinessCheckId.HostsReachable, ReadinessCheckId.ToolstackMatch, ReadinessCheckId.XenVersion, ReadinessCheckId.ToolPaths,
            ReadinessCheckId.XendRunning, ReadinessCheckId.DomainState, ReadinessCheckId.PciPassthrough, ReadinessCheckId.NameFree,
            ReadinessCheckId.SharedStorage, ReadinessCheckId.Memory, ReadinessCheckId.Cpu, ReadinessCheckId.Bridges, ReadinessCheckId.Network,
            ReadinessCheckId.Relocation, ReadinessCheckId.SshTrust, ReadinessCheckId.Bandwidth)]
        [ValidateWaivableCheck]
        public string[] SkipCheck { get; set; } = Array.Empty<string>();

        /// <summary>User and password for implicit sessions that need password authentication: the sources' and the destination's.</summary>
        [Parameter]
        [Credential]
        public override PSCredential? Credential { get; set; }

        /// <summary>-Port, or null when not given.</summary>
        private protected int? RelocationPort => Port == 0 ? (int?)null : Port;

        /// <inheritdoc/>
        protected override void ProcessRecord() => AddTargets(Name);

        /// <summary>-Destination, each name once (in the order given).</summary>
        private protected IReadOnlyList<string> Destinations => Destination.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

        /// <summary>
        /// The destinations' sessions, or null once an error record says why one could not be had (HostNameInvalid, HostNotFound,
        /// an unreadable ssh_config, ...): nothing moves without every destination the user named, and the record honours
        /// -ErrorAction like any other.
        /// </summary>
        private protected IReadOnlyList<XenSession>? OpenDestinations()
        {
            var sessions = new List<XenSession>();
            foreach (var name in Destinations)
            {
                try
                {
                    sessions.Add(Wait(() => ImplicitSessionAsync(name, Credential, CancellationToken)));
                    WriteSessionNotes();
                }
                catch (OperationCanceledException)
                {
                    throw new PipelineStoppedException();
                }
                catch (Exception e)
                {
                    WriteError(ToErrorRecord(e, name));
                    return null;
                }
            }
            return sessions;
        }

        /// <summary>
        /// A readiness request for <paramref name="names"/> (by default the domains of <paramref name="target"/>) to <paramref name="destination"/>
        /// with the target settings; the sessions are the caller's.
        /// </summary>
        private protected ReadinessRequest NewReadinessRequest(HostTarget target, string destination, IReadOnlyList<string>? names = null) => new ReadinessRequest
        {
            SourceName = target.ComputerName,
            DestinationName = destination,
            Domains = names ?? target.Names,
            MigrationTarget = MigrationTarget,
            RelocationPort = RelocationPort,
            SshCommand = SshCommand,
            WaivedChecks = SkipCheck,
        };
    }
}
