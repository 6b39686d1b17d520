using System;
using System.Collections.Generic;
using System.Management.Automation;
using XenPS.Completers;
using XenPS.Core.Model;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;

namespace XenPS.Commands
{
    /// <summary>Gets the facts of Xen hosts: Xen version, toolstack, memory, CPUs and bridges.</summary>
    [Cmdlet(VerbsCommon.Get, "XenHost", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XenHost))]
    public sealed class GetXenHostCommand : XenCmdlet
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

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            AddTargets(targets, ComputerName, Session, Array.Empty<string>());
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var outcomes = RunOnEach(targets, async (target, ct) =>
            {
                var session = await SessionForAsync(target, Credential, ct).ConfigureAwait(false);
                var host = await new XenToolstack(session.Shell, session.Toolstack).GetHostAsync(ct).ConfigureAwait(false);
                host.ComputerName = target.ComputerName;
                return host;
            });
            for (var i = 0; i < targets.Count; i++)
            {
                if (outcomes[i].Error is Exception error) WriteError(ToErrorRecord(error, targets[i].ComputerName));
                else WriteObject(outcomes[i].Value);
            }
        }
    }
}
