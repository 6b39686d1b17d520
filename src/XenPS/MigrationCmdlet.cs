using XenPS.Completers;
using XenPS.Core.Readiness;
using XenPS.Core.Sessions;

namespace XenPS
{
    /// <summary>
    /// The parameters that Test-XenMigrationReadiness and Move-XenDomain share: the domains and their source hosts (merged over
    /// the pipeline), the destination, and how the source reaches it. Not generic, and naming XenPS.Core types only in members,
    /// so that importing the module loads nothing of XenPS.Core before its load context is set up.
    /// </summary>
    public abstract class MigrationCmdlet : XenCmdlet
    {
        private protected const string ComputerNameSet = "ComputerName";
        private protected const string SessionSet = "Session";

        /// <summary>Names of the domains to migrate (no wildcards: each name is one guest).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Domain")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>The source host, where the domains run now.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Source")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>The source host's session.</summary>
        [Parameter(ParameterSetName = SessionSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public XenSession[]? Session { get; set; }

        /// <summary>The destination host: a name, address or ssh_config alias, or a session.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [SessionToComputerName]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string Destination { get; set; } = "";

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

        /// <summary>User and password for implicit sessions that need password authentication.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>The source hosts and their domains, pipeline input for one host merged.</summary>
        private protected List<HostTarget> Targets { get; } = new List<HostTarget>();

        /// <summary>-Port, or null when not given.</summary>
        private protected int? RelocationPort => Port == 0 ? (int?)null : Port;

        /// <inheritdoc/>
        protected override void ProcessRecord() => AddTargets(Targets, ComputerName, Session, Name);

        /// <summary>
        /// The destination's session, or null once an error record says why it could not be had (HostNameInvalid, HostNotFound,
        /// an unreadable ssh_config, ...): nothing can move without it, and the record honours -ErrorAction like any other.
        /// </summary>
        private protected XenSession? OpenDestination()
        {
            try
            {
                return Wait(SessionRegistry.Default.GetOrOpenAsync(ImplicitOptions(Destination, Credential), CancellationToken));
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e)
            {
                WriteError(ToErrorRecord(e, Destination));
                return null;
            }
        }

        /// <summary>A readiness request for the domains of <paramref name="target"/> with the destination and target settings; the sessions are the caller's.</summary>
        private protected ReadinessRequest NewReadinessRequest(HostTarget target) => new ReadinessRequest
        {
            SourceName = target.ComputerName,
            DestinationName = Destination,
            Domains = target.Names,
            MigrationTarget = MigrationTarget,
            RelocationPort = RelocationPort,
            SshCommand = SshCommand,
            WaivedChecks = SkipCheck,
        };
    }
}
