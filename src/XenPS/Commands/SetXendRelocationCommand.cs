using XenPS.Core.Relocation;

namespace XenPS.Commands
{
    /// <summary>
    /// Changes the xend relocation settings in xend-config.sxp safely: only the changed lines, a timestamped backup,
    /// an atomic compare-and-replace under the file's lock that loses no concurrent edit (see RemoteFile.ReplaceAsync);
    /// optionally restarts xend so that the change takes effect.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "XendRelocation", DefaultParameterSetName = ComputerNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(XendRelocationConfig))]
    public sealed class SetXendRelocationCommand : XenHostCmdlet
    {
        private RelocationEdit? edit;

        /// <summary>Hosts (names, addresses or ssh_config aliases) to change over an implicit, reused session.</summary>
        [Parameter(ParameterSetName = ComputerNameSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public override string[]? ComputerName { get; set; }

        /// <summary>Switches the relocation server on (-Enabled) or off (-Enabled:$false).</summary>
        [Parameter]
        public SwitchParameter Enabled { get; set; }

        /// <summary>The relocation port (xend-relocation-port).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>The address the server listens on (xend-relocation-address); an empty string means every address.</summary>
        [Parameter]
        [AllowEmptyString]
        public string? Address { get; set; }

        /// <summary>Replaces xend-relocation-hosts-allow: host names, addresses or regexes (a regex starts with ^ or ends with $).</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? HostsAllow { get; set; }

        /// <summary>Adds hosts (names, addresses or regexes) to xend-relocation-hosts-allow.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AddAllowedHost { get; set; }

        /// <summary>Removes hosts (as given when added, or their regex) from xend-relocation-hosts-allow.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveAllowedHost { get; set; }

        /// <summary>Restarts xend after a change so that it takes effect.</summary>
        [Parameter]
        public SwitchParameter Restart { get; set; }

        /// <summary>Allows a relocation server open to every host (an empty hosts-allow): the protocol has no authentication.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the resulting settings to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The xend configuration file on the host.</summary>
        [Parameter]
        [ValidatePattern(@"^/[^\x00-\x1f]*$")]
        public string Path { get; set; } = RelocationService.DefaultConfigPath;

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            if (HostsAllow is not null && (AddAllowedHost is not null || RemoveAllowedHost is not null))
            {
                ThrowTerminatingError(NewErrorRecord(
                    new ArgumentException("-HostsAllow replaces the whole list: use it alone, or use -AddAllowedHost / -RemoveAllowedHost to change the list."),
                    XenSessionErrorId.HostsAllowConflict, null));
            }
            if (!MyInvocation.BoundParameters.Keys.Any(k => k is "Enabled" or "Port" or "Address" or "HostsAllow" or "AddAllowedHost" or "RemoveAllowedHost"))
            {
                ThrowTerminatingError(NewErrorRecord(
                    new ArgumentException("Nothing to change: give -Enabled, -Port, -Address, -HostsAllow, -AddAllowedHost or -RemoveAllowedHost."),
                    XenSessionErrorId.NoChangeRequested, null));
            }
        }

        /// <summary>Works out the edit once (an invalid hosts-allow entry ends the call), then plans it on every host and applies each plan.</summary>
        protected override void EndProcessing()
        {
            try
            {
                edit = BuildEdit();
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(NewErrorRecord(e, XenSessionErrorId.InvalidHostsAllowEntry, null));
                return;
            }
            base.EndProcessing();
        }

        /// <summary>The host's plan: its xend-config.sxp read and the edit worked out, nothing written yet.</summary>
        protected override async Task<object> QueryAsync(XenSession session, string computerName, CancellationToken cancellationToken) =>
            await RelocationService.PlanAsync(session, Path, edit!, cancellationToken).ConfigureAwait(false);

        /// <summary>Applies one host's plan once confirmed; called on the pipeline thread, in the order the hosts were given.</summary>
        protected override void WriteAnswer(string computerName, object answer) => Apply(computerName, (RelocationPlan)answer);

        private void Apply(string computer, RelocationPlan plan)
        {
            if (!plan.HasChanges)
            {
                WriteVerbose($"{computer}: {plan.Original.Path} already has these settings; nothing is written.");
                if (PassThru) WriteObject(WithName(plan.Current, computer, changed: false));
                return;
            }
            if (plan.OpenToEveryoneReason is string everyone && !Force)
            {
                WriteError(NewErrorRecord(
                    new InvalidOperationException($"This leaves the relocation server on {computer} open to every host: xend-relocation-hosts-allow {everyone}, and the relocation protocol has neither authentication nor encryption. Name the hosts allowed to send guests with -HostsAllow or -AddAllowedHost (a regular expression that ends with $), or give -Force to open it anyway."),
                    XenSessionErrorId.RelocationOpenToEveryone, computer));
                return;
            }
            if (!ShouldProcess($"{computer}:{plan.Original.Path}", "Change xend relocation settings" + Environment.NewLine + plan.DiffText)) return;
            if (plan.OpensToEveryone) WriteWarning($"The relocation server on {computer} admits every host that can reach port {plan.Proposed.Port}.");
            try
            {
                var notices = new List<string>();
                var result = Wait(() => RelocationService.ApplyAsync(plan, Restart, DateTime.UtcNow, notices.Add, CancellationToken));
                notices.ForEach(WriteWarning);
                if (!Restart && result.XendRunning)
                {
                    WriteWarning($"xend on {computer} still runs with its old relocation settings: restart it (Set-XendRelocation -Restart, or '/etc/init.d/xend restart' on the host) for the change to take effect.");
                }
                else if (Restart && result.Server && !result.Listening)
                {
                    WriteWarning($"xend on {computer} restarted, but nothing listens on port {result.Port}: see /var/log/xen/xend.log on the host.");
                }
                if (PassThru) WriteObject(WithName(result, computer, changed: true));
            }
            catch (Exception e) when (IsHostFailure(e))
            {
                WriteError(ToErrorRecord(e, computer));
            }
        }

        private RelocationEdit BuildEdit()
        {
            var bound = MyInvocation.BoundParameters;
            return new RelocationEdit
            {
                Enabled = bound.ContainsKey(nameof(Enabled)) ? Enabled.IsPresent : (bool?)null,
                Port = bound.ContainsKey(nameof(Port)) ? Port : (int?)null,
                Address = Address,
                HostsAllow = HostsAllow?.Select(HostsAllowEntry.FromUserInput).ToArray(),
                AddAllowedHost = AddAllowedHost?.Select(HostsAllowEntry.FromUserInput).ToArray(),
                RemoveAllowedHost = RemoveAllowedHost,
            };
        }

        private static XendRelocationConfig WithName(XendRelocationConfig config, string computer, bool changed)
        {
            config.ComputerName = computer;
            config.Changed = changed;
            return config;
        }
    }
}
