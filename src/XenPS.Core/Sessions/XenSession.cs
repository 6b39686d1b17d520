using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Sessions
{
    /// <summary>An SSH session to one dom0, with what was detected about its toolstack.</summary>
    public sealed class XenSession : IDisposable
    {
        private readonly SshRemoteShell shell;
        private ToolstackDetection detection;

        internal XenSession(SshRemoteShell shell, ToolstackDetection detection, string? notRootWarning)
        {
            this.shell = shell;
            this.detection = detection;
            NotRootWarning = notRootWarning;
        }

        /// <summary>Number given by the session registry (0 until registered).</summary>
        public int Id { get; internal set; }

        /// <summary>The host as the user named it.</summary>
        public string ComputerName => shell.ComputerName;

        /// <summary>The name or address connected to (the ssh config's HostName, or ComputerName).</summary>
        public string HostName => shell.HostName;

        public int Port => shell.Port;

        /// <summary>
        /// The jump hosts the session passes through, first hop first, as <c>user@host:port,...</c> with each host as named (in ProxyJump
        /// or -JumpHost); empty for a direct session.
        /// </summary>
        public string JumpHost => shell.JumpHost;

        public string UserName => shell.UserName;

        public bool UseSudo => shell.UseSudo;

        /// <summary>Time limit of each remote command that sets none of its own; null means none.</summary>
        public TimeSpan? CommandTimeout => shell.CommandTimeout;

        /// <summary>Most bytes each remote command may print (standard output and error together).</summary>
        public long MaxCommandOutput => shell.MaxCommandOutput;

        public Toolstack Toolstack => detection.Toolstack;

        public Toolstack[] AvailableToolstacks => detection.Available.ToArray();

        public bool XendRunning => detection.XendRunning;

        /// <summary>major.minor plus extra, e.g. <c>4.0.1</c>; empty when xend is stopped on an xm-only host.</summary>
        public string XenVersion => detection.XenVersion;

        /// <summary><c>SHA256:...</c> of the host key.</summary>
        public string HostKeyFingerprint => shell.HostKeyFingerprint;

        public XenSessionState State => shell.IsDisposed ? XenSessionState.Closed : shell.IsConnected ? XenSessionState.Opened : XenSessionState.Broken;

        /// <summary>
        /// Set when the session logs on as a user other than root without -UseSudo: what will fail and how to open it with sudo. The
        /// cmdlet that opens the session writes it as a warning.
        /// </summary>
        public string? NotRootWarning { get; }

        /// <summary>The options the registry opened the session with; null for a session opened outside the registry.</summary>
        internal SessionOptions? OpenedWith { get; set; }

        /// <summary>Why the connection last dropped, for messages.</summary>
        internal string BreakReason => shell.DropReason is { } reason ? $"its SSH connection dropped: {reason.TrimEnd('.')}" : "its SSH connection dropped";

        /// <summary>
        /// The shell that runs commands on the host. Internal, as <see cref="Detection"/> is: a session's public properties are what
        /// Format-List *, ConvertTo-Json and serialisation show, and the shell and the detection's info lines are its workings.
        /// </summary>
        internal IRemoteShell Shell => shell;

        /// <summary>The detection the toolstack facts come from (with the info lines).</summary>
        internal ToolstackDetection Detection => detection;

        /// <summary>The host's domains and facts, read through this session with its toolstack (Get-XenDomain, Get-XenHost, completion).</summary>
        public XenToolstack Reader() => new XenToolstack(shell, Toolstack);

        /// <summary>The session's password, key passphrase and key file paths (and its jump hosts'): what a record of its work must leave out.</summary>
        internal IEnumerable<string> Secrets => shell?.Secrets ?? Enumerable.Empty<string>();

        /// <summary><c>user@host:port</c> as connected to, with the jump hosts' after <c>via</c>: the registry reuses a session for the same key.</summary>
        internal string ConnectionKey => shell.ConnectionKey;

        /// <summary>Runs the detection again, e.g. after xend was started or stopped.</summary>
        public async Task RefreshToolstackAsync(CancellationToken cancellationToken)
        {
            detection = await ToolstackDetector.DetectAsync(shell, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Connects a broken session again with the settings it was opened with (same key files, known_hosts, user, jump hosts, sudo).
        /// </summary>
        /// <exception cref="XenSessionException"><see cref="XenSessionErrorId.SessionBroken"/>: the session broke and cannot be connected again.</exception>
        internal async Task ReconnectAsync(CancellationToken cancellationToken)
        {
            var why = BreakReason;
            try
            {
                await shell.EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (XenSessionException e)
            {
                throw new XenSessionException(XenSessionErrorId.SessionBroken,
                    $"Session {Id} to {ComputerName} broke ({why}) and could not be connected again with its settings: {e.Message} " +
                    $"Once {ComputerName} can be reached, run the command again to reconnect it; or replace it with New-XenSession -ComputerName {ComputerName} -Force " +
                    $"and the settings it needs now.", e);
            }
        }

        /// <summary>Closes the connection.</summary>
        public void Close() => shell.Dispose();

        public void Dispose() => Close();

        public override string ToString() => $"{UserName}@{ComputerName}";
    }
}
