using System;
using System.Collections.Generic;
using System.Management.Automation;
using XenPS.Completers;
using XenPS.Core.Model;
using XenPS.Core.Relocation;
using XenPS.Core.Sessions;

namespace XenPS.Commands
{
    /// <summary>Gets the xend relocation settings of hosts, and whether xend runs and listens on the relocation port.</summary>
    [Cmdlet(VerbsCommon.Get, "XendRelocation", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XendRelocationConfig))]
    public sealed class GetXendRelocationCommand : XenCmdlet
    {
        private const string ComputerNameSet = "ComputerName";
        private const string SessionSet = "Session";

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

        /// <summary>The xend configuration file on the host.</summary>
        [Parameter]
        [ValidatePattern(@"^/[^\x00-\x1f]*$")]
        public string Path { get; set; } = RelocationService.DefaultConfigPath;

        /// <inheritdoc/>
        protected override void ProcessRecord() => AddTargets(targets, ComputerName, Session, Array.Empty<string>());

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var outcomes = RunOnEach(targets, async (target, ct) =>
            {
                var session = await SessionForAsync(target, Credential, ct).ConfigureAwait(false);
                var config = await RelocationService.GetAsync(session, Path, ct).ConfigureAwait(false);
                config.ComputerName = target.ComputerName;
                return config;
            });
            for (var i = 0; i < targets.Count; i++)
            {
                if (outcomes[i].Error is Exception error) WriteError(ToErrorRecord(error, targets[i].ComputerName));
                else WriteObject(outcomes[i].Value);
            }
        }
    }
}
