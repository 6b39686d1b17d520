using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using XenPS.Completers;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Sessions;

namespace XenPS.Commands
{
    /// <summary>
    /// Checks, on the real hosts, every prerequisite of a live migration of domains to a destination dom0 and returns
    /// one report per domain, each check with its measured facts and its remedy.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "XenMigrationReadiness", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(ReadinessReport), typeof(bool))]
    public sealed class TestXenMigrationReadinessCommand : XenCmdlet
    {
        private const string ComputerNameSet = "ComputerName";
        private const string SessionSet = "Session";

        private readonly List<HostTarget> targets = new List<HostTarget>();

        /// <summary>Names of the domains to migrate (no wildcards: each name is one guest).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DomainNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>The source host, where the domains run now.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
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
        /// network. By default the first that works of: xend-relocation-address (xm), -Destination, the destination's own host name,
        /// its addresses.
        /// </summary>
        [Parameter]
        [ValidateMigrationTarget]
        [Alias("MigrationAddress")]
        public string? MigrationTarget { get; set; }

        /// <summary>xm: the relocation port the source connects to (default: the one in the destination's xend-config.sxp).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>xl: the ssh command xl runs on the source to reach the destination (xl migrate -s), e.g. 'ssh -p 2222'.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SshCommand { get; set; }

        /// <summary>User and password for implicit sessions that need password authentication.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Times a bounded transfer between the two dom0s and estimates the migration's duration.</summary>
        [Parameter]
        public SwitchParameter MeasureBandwidth { get; set; }

        /// <summary>Returns only $true (ready) or $false for each domain.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord() => AddTargets(targets, ComputerName, Session, Name);

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var outcomes = RunOnEach(targets, async (target, ct) =>
            {
                var log = new List<string>();
                var request = new ReadinessRequest
                {
                    SourceName = target.ComputerName,
                    DestinationName = Destination,
                    Domains = target.Names,
                    MeasureBandwidth = MeasureBandwidth,
                    MigrationTarget = MigrationTarget,
                    RelocationPort = Port == 0 ? (int?)null : Port,
                    SshCommand = SshCommand,
                };
                try
                {
                    request.Source = await SessionForAsync(target, Credential, ct).ConfigureAwait(false);
                }
                catch (XenSessionException e)
                {
                    request.SourceError = e;
                }
                try
                {
                    request.Destination = await SessionRegistry.Default.GetOrOpenAsync(ImplicitOptions(Destination, Credential), ct).ConfigureAwait(false);
                }
                catch (XenSessionException e)
                {
                    request.DestinationError = e;
                }
                var reports = await ReadinessChecker.CheckAsync(request, line => { lock (log) log.Add(line); }, ct).ConfigureAwait(false);
                return (Reports: reports, Log: log);
            });
            for (var i = 0; i < targets.Count; i++)
            {
                if (outcomes[i].Error is Exception error)
                {
                    WriteError(ToErrorRecord(error, targets[i].ComputerName));
                    continue;
                }
                foreach (var line in outcomes[i].Value.Log) WriteVerbose(line);
                foreach (var report in outcomes[i].Value.Reports)
                {
                    if (Quiet) WriteObject(report.IsReady);
                    else WriteObject(report);
                }
            }
        }
    }
}
