namespace XenPS.Commands
{
    /// <summary>Opens SSH sessions to dom0 hosts, verifies their host keys and detects their toolstack.</summary>
    [Cmdlet(VerbsCommon.New, "XenSession")]
    [OutputType(typeof(XenSession))]
    public sealed class NewXenSessionCommand : XenCmdlet
    {
        /// <summary>Host names, addresses or ssh_config aliases.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[] ComputerName { get; set; } = Array.Empty<string>();

        /// <summary>SSH port; default ssh_config's Port, else 22.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>User and password; with -KeyFilePath the password is the key's passphrase.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>OpenSSH private key files (ed25519, ecdsa, rsa).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? KeyFilePath { get; set; }

        /// <summary>known_hosts file to verify host keys against; default ~/.ssh/known_hosts or ssh_config's UserKnownHostsFile.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KnownHostsPath { get; set; }

        /// <summary>Record the key of a host not yet in known_hosts (like StrictHostKeyChecking=accept-new). A changed key is still refused.</summary>
        [Parameter]
        public SwitchParameter AcceptNewHostKey { get; set; }

        /// <summary>OpenSSH client configuration to read; default ~/.ssh/config.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SshConfigPath { get; set; }

        /// <summary>Seconds to wait for the connection; default ssh_config's ConnectTimeout, else 30.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int ConnectTimeout { get; set; }

        /// <summary>Seconds any one remote command may take; default 300.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int CommandTimeout { get; set; }

        /// <summary>Bytes any one remote command may print, standard output and error together (64MB works); default 16 MiB.</summary>
        [Parameter]
        [ValidateRange(1024, long.MaxValue)]
        public long MaxCommandOutput { get; set; }

        /// <summary>Run the commands that need root through sudo -n (for a non-root user).</summary>
        [Parameter]
        public SwitchParameter UseSudo { get; set; }

        /// <summary>Jump hosts to pass through, each [user@]host[:port], first hop first; wins over ssh_config's ProxyJump; 'none' connects directly.</summary>
        [Parameter]
        [Alias("ProxyJump")]
        [ValidateNotNullOrEmpty]
        public string[]? JumpHost { get; set; }

        /// <summary>Close the open session of each host and open a new one with these settings, rather than return the open one.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var computers = ComputerName.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var outcomes = RunOnEach(computers, (computer, ct) => SessionRegistry.Default.OpenAsync(OptionsFor(computer), Force, ct));
            for (var i = 0; i < computers.Count; i++)
            {
                if (outcomes[i].Error is Exception error)
                {
                    WriteError(ToErrorRecord(error, computers[i]));
                    continue;
                }
                WriteLease(outcomes[i].Value);
                WriteObject(outcomes[i].Value.Session);
            }
        }

        private SessionOptions OptionsFor(string computer)
        {
            var options = new SessionOptions
            {
                ComputerName = computer,
                KnownHostsPath = ResolvePath(KnownHostsPath),
                SshConfigPath = ResolvePath(SshConfigPath),
                AcceptNewHostKey = AcceptNewHostKey,
                UseSudo = UseSudo,
                JumpHosts = JumpHost,
            };
            if (Port != 0) options.Port = Port;
            if (ConnectTimeout != 0) options.ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeout);
            if (CommandTimeout != 0) options.CommandTimeout = TimeSpan.FromSeconds(CommandTimeout);
            if (MaxCommandOutput != 0) options.MaxCommandOutput = MaxCommandOutput;
            if (KeyFilePath is not null) options.KeyFilePaths = KeyFilePath.Select(p => ResolvePath(p)!).ToArray();
            ApplyCredential(options, Credential, forKeyPassphrase: KeyFilePath is not null);
            return options;
        }

        private string? ResolvePath(string? path) =>
            path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }
}
