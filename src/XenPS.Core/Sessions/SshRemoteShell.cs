using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;
using XenPS.Core.Remote;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// One SSH connection to a dom0 over SSH.NET, directly or through jump hosts. Host keys (of the jump hosts too) are checked against
    /// known_hosts; commands run through <c>sh -c</c> (and <c>sudo -n</c> when the session uses sudo), sent to a shell that stays open on
    /// a channel of its own between commands (<see cref="ShellChannel"/>), so that a command costs one round trip; several commands may
    /// run at once, each on its own shell.
    /// </summary>
    public sealed class SshRemoteShell : IRemoteShell, IDisposable
    {
        /// <summary>
        /// Commands that run at once on one connection, and so shells (channels) kept open; more wait for a free channel. Below sshd's
        /// default MaxSessions (10), leaving room for stopped commands that still run on the host (OpenSSH does not deliver signals to
        /// root sessions, so a cancelled command runs to its end).
        /// </summary>
        private const int MaxConcurrentCommands = 8;

        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(30);
        private static readonly string[] SudoPasswordPrompts = { "sudo: a password is required", "sudo: a terminal is required" };

        private readonly ConnectionTarget target;
        private readonly SshCredentials credentials;
        private readonly IReadOnlyList<SshCredentials> hopCredentials;
        private readonly SemaphoreSlim reconnectGate = new SemaphoreSlim(1, 1);
        private volatile SshConnection? connection;
        private volatile bool disposed;
        private volatile string? dropReason;

        private SshRemoteShell(ConnectionTarget target)
        {
            this.target = target;
            var hopCredentials = new List<SshCredentials>();
            try
            {
                foreach (var hop in target.JumpHosts)
                {
                    try
                    {
                        hopCredentials.Add(SshCredentials.Load(hop));
                    }
                    catch (XenSessionException e)
                    {
                        throw new JumpHostException(hop, target.ComputerName, e);
                    }
                }
                credentials = SshCredentials.Load(target);
            }
            catch
            {
                hopCredentials.ForEach(c => c.Dispose());
                throw;
            }
            this.hopCredentials = hopCredentials;
        }

        /// <summary>The host as the user named it.</summary>
        public string ComputerName => target.ComputerName;

        /// <summary>The name or address connected to.</summary>
        public string HostName => target.HostName;

        public int Port => target.Port;

        public string UserName => target.UserName;

        public bool UseSudo => target.UseSudo;

        /// <summary>Time limit of each command that gives none of its own; null means none.</summary>
        public TimeSpan? CommandTimeout => CommandLimits.Timeout(null, target.CommandTimeout);

        /// <summary>Output limit (bytes) of each command that gives none of its own.</summary>
        public long MaxCommandOutput => CommandLimits.MaxOutputBytes(null, target.MaxCommandOutput);

        /// <summary><c>SHA256:...</c> of the host key accepted when the connection was last opened.</summary>
        public string HostKeyFingerprint { get; private set; } = "";

        /// <summary><c>user@host:port</c> with the host as connected to: the identity of this connection.</summary>
        public string ConnectionKey => target.Key;

        /// <summary>The jump hosts passed through, as <c>user@host:port,...</c>; empty for a direct connection.</summary>
        public string JumpHost => target.JumpHostChain;

        public bool IsDisposed => disposed;

        /// <summary>Why the connection last dropped, as SSH.NET reported it; null when it never did or no reason was given.</summary>
        internal string? DropReason => dropReason;

        /// <summary>
        /// What must never be written down about this connection: its password, key passphrase and key file paths, and those of its jump
        /// hosts (the migration journal cuts them out of what it records).
        /// </summary>
        internal IEnumerable<string> Secrets => target is null ? Enumerable.Empty<string>() : SecretsOf(target);

        /// <summary>True while the SSH connection (and every jump host's) is up. A dropped connection is opened again by the next command.</summary>
        public bool IsConnected => !disposed && connection?.IsUp == true;

        /// <summary>Resolves <paramref name="options"/> against the ssh config, loads the key files and connects.</summary>
        public static async Task<SshRemoteShell> ConnectAsync(SessionOptions options, CancellationToken cancellationToken)
        {
            var shell = new SshRemoteShell(ConnectionTarget.Resolve(options));
            try
            {
                shell.connection = await shell.ConnectChainAsync(cancellationToken).ConfigureAwait(false);
                return shell;
            }
            catch
            {
                shell.Dispose();
                throw;
            }
        }

        /// <summary>Connects again, with the same settings, when the connection dropped; does nothing while it is up.</summary>
        internal async Task EnsureConnectedAsync(CancellationToken cancellationToken) => await ConnectedAsync(cancellationToken).ConfigureAwait(false);

        /// <inheritdoc/>
        public async Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            if (command is null) throw new ArgumentNullException(nameof(command));
            if (options is null) throw new ArgumentNullException(nameof(options));
            var trace = RemoteTrace.Start(ComputerName, command, Secrets);
            try
            {
                var result = await RunTracedAsync(command, options, cancellationToken).ConfigureAwait(false);
                trace?.Exited(result.ExitCode);
                return result;
            }
            catch (Exception e)
            {
                trace?.Failed(e);
                throw;
            }
        }

        private async Task<RemoteResult> RunTracedAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            var sudo = UseSudo && options.NeedsRoot;
            var commandLine = BuildCommandLine(command, sudo);
            var limits = new Limits(
                CommandLimits.Timeout(options.Timeout, target.CommandTimeout),
                CommandLimits.MaxOutputBytes(options.MaxOutputBytes, target.MaxCommandOutput),
                options.What ?? CommandLimits.Describe(command));
            var connection = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var result = await ExecuteAsync(connection, commandLine, limits, cancellationToken).ConfigureAwait(false);
                    if (sudo && AsksForSudoPassword(result))
                    {
                        throw new SudoPasswordRequiredException(ComputerName, UserName);
                    }
                    return result;
                }
                catch (Exception e) when (disposed && !(e is OperationCanceledException))
                {
                    throw Closed();
                }
                catch (Exception e) when (IsConnectionLoss(e))
                {
                    if (!options.ReadOnly || attempt > 1)
                    {
                        throw new XenSessionException(XenSessionErrorId.ConnectionLost,
                            $"The SSH connection to {Endpoint} was lost while a command ran ({e.Message}); whether the command completed is not known. " +
                            "Check the host's state, then run the command again.", e);
                    }
                    if (!connection.IsUp) connection = await ReconnectAsync(connection, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// Closes the connection and, from the last to the first, the jump hosts' forwarded ports and connections.
        /// Later commands fail with <see cref="XenSessionErrorId.SessionClosed"/>.
        /// </summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            connection?.Dispose();
            this.credentials.Dispose();
            foreach (var credentials in hopCredentials) credentials.Dispose();
        }

        /// <summary>
        /// The text sent to the server for <paramref name="command"/>: <c>sh -c 'COMMAND'</c> so that any login shell gives POSIX
        /// semantics, or <c>sudo -n -- sh -c 'COMMAND'</c> (never prompting) when it runs as root through sudo.
        /// </summary>
        internal static string BuildCommandLine(string command, bool sudo) =>
            (sudo ? "sudo -n -- " : "") + "sh -c " + ShellQuote.Quote(command);

        /// <summary>True when <c>sudo -n</c> refused to run because it would have to ask for a password.</summary>
        internal static bool AsksForSudoPassword(RemoteResult result) =>
            result.ExitCode != 0 && SudoPasswordPrompts.Any(p => result.Stderr.IndexOf(p, StringComparison.Ordinal) >= 0);

        private string Endpoint => $"{HostName}:{Port}";

        private static IEnumerable<string> SecretsOf(ConnectionTarget target) =>
            new[] { target.Password, target.KeyPassphrase }.Concat(target.KeyFiles.Select(k => k.Path))
                .Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)
                .Concat(target.JumpHosts.SelectMany(SecretsOf));

        private static string EndpointOf(ConnectionTarget target) => $"{target.HostName}:{target.Port}";

        /// <summary>
        /// Runs <paramref name="commandLine"/> on a shell of the connection that waits for a command, else on a new one. A waiting shell
        /// that turns out to have ended before the command started is dropped and the next one tried.
        /// </summary>
        private async Task<RemoteResult> ExecuteAsync(SshConnection connection, string commandLine, Limits limits, CancellationToken cancellationToken)
        {
            while (true)
            {
                var waiting = connection.TakeIdle();
                var channel = waiting ?? await OpenChannelAsync(connection.Client).ConfigureAwait(false);
                if (await RunOnChannelAsync(connection, channel, commandLine, limits, cancellationToken).ConfigureAwait(false) is RemoteResult result) return result;
                if (waiting is null)
                {
                    throw new XenSessionException(XenSessionErrorId.ChannelOpenFailed,
                        $"{Endpoint} ended the shell (sh) that XenPS runs commands in before it ran a command. Check that the account's login shell can run sh.");
                }
            }
        }

        /// <summary>Opens a channel with a shell on it, off the caller's thread: opening blocks until the server has answered.</summary>
        private async Task<ShellChannel> OpenChannelAsync(SshClient client)
        {
            try
            {
                return await Task.Factory.StartNew(() => ShellChannel.Open(client, Utf8), CancellationToken.None,
                    TaskCreationOptions.DenyChildAttach, TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (SshException e) when (!(e is SshConnectionException) && !(e is SshOperationTimeoutException))
            {
                throw new XenSessionException(XenSessionErrorId.ChannelOpenFailed,
                    $"{Endpoint} could not run a command: {e.Message} When no channel could be opened, the host's sshd limits the sessions of one " +
                    "connection (MaxSessions) and stopped commands may still run there: wait for them to end, or raise MaxSessions.", e);
            }
        }

        /// <summary>
        /// Sends the command to <paramref name="channel"/> and reads its output as it arrives, within the output limit, so that nothing is
        /// buffered whole. Returns its result and puts the shell back for the next command; returns null when the shell had ended before
        /// the command started, so that it surely did not run. A command stopped by its time or output limit, or by Ctrl+C, closes the
        /// shell's channel; the command itself may go on running on the host.
        /// </summary>
        private async Task<RemoteResult?> RunOnChannelAsync(SshConnection connection, ShellChannel channel, string commandLine, Limits limits,
            CancellationToken cancellationToken)
        {
            using (var timeout = new CancellationTokenSource())
            using (var overflow = new CancellationTokenSource())
            using (var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, overflow.Token))
            {
                if (limits.Timeout is { } l) timeout.CancelAfter(l);
                var frame = OutputFrame.New();
                var output = new BoundedOutput(limits.MaxOutputBytes, overflow.Cancel);
                var stdout = output.ReadAsync(channel.Output, Utf8, frame);
                var stderr = output.ReadAsync(channel.Errors, Utf8, frame);
                // Closing the channel blocks while SSH.NET waits on the server (up to a second when a stopped command still runs there):
                // give it a thread of its own, never the thread that cancels nor a pool thread.
                Task? stopping = null;
                var registration = watch.Token.Register(() => stopping = OnOwnThread(channel.Dispose));
                Exception? sendFailure = null;
                try
                {
                    await Task.Factory.StartNew(() => channel.Send(frame.Wrap(commandLine), Utf8), CancellationToken.None,
                        TaskCreationOptions.DenyChildAttach, TaskScheduler.Default).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    sendFailure = e;
                    channel.Dispose();
                }
                FramedText[] ends;
                try
                {
                    ends = await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    registration.Dispose();
                    channel.Dispose();
                    throw new ShellChannelLostException(e);
                }
                registration.Dispose();
                var (text, errors) = (ends[0], ends[1]);
                var stopped = stopping is not null;
                if (text.End.ExitStatus is int exitCode && errors.End.ExitStatus is not null && !output.Exceeded)
                {
                    if (!stopped) connection.Return(channel);
                    return new RemoteResult(exitCode, text.Text, errors.Text);
                }
                if (!stopped) channel.Dispose();
                if (output.Exceeded) throw OutputLimit(limits, text.Text);
                if (stopped)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new RemoteCommandStoppedException(XenSessionErrorId.CommandTimeout, ComputerName, limits.What,
                        CommandLimits.DescribeTime(limits.Timeout!.Value), text.Text);
                }
                if (connection.IsUp && !text.End.Started) return null;
                throw new ShellChannelLostException(sendFailure);
            }
        }

        private RemoteCommandStoppedException OutputLimit(Limits limits, string partialStdout) =>
            new RemoteCommandStoppedException(XenSessionErrorId.OutputLimitExceeded, ComputerName, limits.What,
                CommandLimits.DescribeBytes(limits.MaxOutputBytes), partialStdout);

        private static Task OnOwnThread(Action action) =>
            Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        private async Task<SshConnection> ConnectedAsync(CancellationToken cancellationToken)
        {
            if (disposed) throw Closed();
            var connection = this.connection!;
            return connection.IsUp ? connection : await ReconnectAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Replaces <paramref name="stale"/> by a new connection, unless another command already did. A jumped connection is built
        /// again from the first jump host on, whichever hop dropped.
        /// </summary>
        private async Task<SshConnection> ReconnectAsync(SshConnection stale, CancellationToken cancellationToken)
        {
            await reconnectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (disposed) throw Closed();
                var current = connection!;
                if (!ReferenceEquals(current, stale) && current.IsUp) return current;
                var fresh = await ConnectChainAsync(cancellationToken).ConfigureAwait(false);
                connection = fresh;
                current.Dispose();
                if (disposed)
                {
                    fresh.Dispose();
                    throw Closed();
                }
                return fresh;
            }
            finally
            {
                reconnectGate.Release();
            }
        }

        /// <summary>
        /// Connects to the host: directly, or hop by hop. Each jump host is connected to (through the hops before it), its host key
        /// verified under its own names and port, then a port on 127.0.0.1 is forwarded through it to the next hop; the next client
        /// connects to that local port and verifies the key its far end offers against the next hop's (or the host's) own names and port.
        /// </summary>
        private async Task<SshConnection> ConnectChainAsync(CancellationToken cancellationToken)
        {
            var links = new List<JumpLink>();
            try
            {
                var host = target.JumpHosts.Count == 0 ? HostName : target.JumpHosts[0].HostName;
                var port = target.JumpHosts.Count == 0 ? Port : target.JumpHosts[0].Port;
                for (var i = 0; i < target.JumpHosts.Count; i++)
                {
                    var hop = target.JumpHosts[i];
                    var client = (await ConnectStageAsync(hop, hopCredentials[i], host, port, links, cancellationToken).ConfigureAwait(false)).Client;
                    var link = new JumpLink(hop, client, i + 1 < target.JumpHosts.Count ? target.JumpHosts[i + 1] : target);
                    links.Add(link);
                    StartForwarding(link);
                    host = "127.0.0.1";
                    port = link.LocalPort;
                }
                var final = await ConnectStageAsync(target, credentials, host, port, links, cancellationToken).ConfigureAwait(false);
                final.Client.ErrorOccurred += (sender, e) => dropReason = e.Exception.Message;
                return new SshConnection(final.Client, links);
            }
            catch
            {
                SshConnection.Close(links);
                throw;
            }
        }

        /// <summary>Connects one client of the chain; a failure names the jump host it concerns.</summary>
        private async Task<(SshClient Client, string Fingerprint)> ConnectStageAsync(ConnectionTarget target, SshCredentials credentials, string host, int port,
            IReadOnlyList<JumpLink> linksBefore, CancellationToken cancellationToken)
        {
            try
            {
                var connected = await ConnectClientAsync(target, credentials, host, port, ComputerName, cancellationToken).ConfigureAwait(false);
                if (ReferenceEquals(target, this.target)) HostKeyFingerprint = connected.Fingerprint;
                return connected;
            }
            catch (XenSessionException e) when (linksBefore.Count > 0 && e.InnerException is SshConnectionException && linksBefore[linksBefore.Count - 1].IsUp)
            {
                // The forwarded port closes the local connection without a word when the jump host's sshd does not open the channel onward
                // (SSH.NET keeps the reason to itself); a host that closes before its SSH banner looks the same from here.
                var via = linksBefore[linksBefore.Count - 1];
                throw new JumpHostException(via.Hop, ComputerName, new XenSessionException(XenSessionErrorId.ConnectionFailed,
                    $"It could not open a connection to {EndpointOf(target)}, or {target.HostName} closed it before SSH started. " +
                    $"Check that {target.HostName} port {target.Port} can be reached from {via.Hop.HostName} and that the jump host's sshd allows TCP " +
                    "forwarding (AllowTcpForwarding).", e));
            }
            catch (XenSessionException e) when (!ReferenceEquals(target, this.target))
            {
                throw new JumpHostException(target, ComputerName, e);
            }
        }

        private void StartForwarding(JumpLink link)
        {
            try
            {
                link.Start();
            }
            catch (Exception e) when (e is SshException || e is SocketException || e is ObjectDisposedException)
            {
                throw new JumpHostException(link.Hop, ComputerName, new XenSessionException(XenSessionErrorId.ConnectionFailed,
                    $"No port on 127.0.0.1 could be forwarded through it to {EndpointOf(link.Next)}: {e.Message}", e));
            }
        }

        /// <summary>
        /// Connects to <paramref name="host"/>:<paramref name="port"/> (the target's own address, or the local end of a forwarded port) and
        /// verifies the host key against <paramref name="target"/>'s known_hosts names and port. <paramref name="sessionComputerName"/> is the
        /// host of the session, whose New-XenSession an unknown key's message tells to repeat.
        /// </summary>
        private static async Task<(SshClient Client, string Fingerprint)> ConnectClientAsync(ConnectionTarget target, SshCredentials credentials, string host, int port,
            string sessionComputerName, CancellationToken cancellationToken)
        {
            var info = new ConnectionInfo(host, port, target.UserName, credentials.Methods)
            {
                Timeout = target.ConnectTimeout,
                Encoding = Utf8,
                MaxSessions = MaxConcurrentCommands,
            };
            var knownHosts = LoadKnownHosts(target);
            PreferRecordedKeyTypes(info, knownHosts.RecordedKeyTypes(target.KnownHostsNames, target.Port));
            var verifier = new HostKeyVerifier(target, knownHosts, sessionComputerName);
            var client = new SshClient(info) { KeepAliveInterval = KeepAliveInterval };
            client.HostKeyReceived += verifier.OnHostKeyReceived;
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                client.Dispose();
                if (e is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
                throw verifier.Failure ?? Translate(e, target, credentials);
            }
            return (client, verifier.Fingerprint);
        }

        private static KnownHostsFile LoadKnownHosts(ConnectionTarget target)
        {
            try
            {
                return KnownHostsFile.Load(target.KnownHostsPath);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new XenSessionException(XenSessionErrorId.ConnectionFailed,
                    $"The known_hosts file {target.KnownHostsPath} cannot be read: {e.Message}", e);
            }
        }

        /// <summary>
        /// Offers first the host key algorithms whose key type known_hosts records for the host, as OpenSSH does, so that a host known by
        /// its RSA key is not asked for an unrecorded Ed25519 key. Certificate algorithms are dropped: host certificates are not used.
        /// </summary>
        private static void PreferRecordedKeyTypes(ConnectionInfo info, IReadOnlyList<string> recordedTypes)
        {
            var ordered = info.HostKeyAlgorithms
                .Where(a => !a.Key.EndsWith("-cert-v01@openssh.com", StringComparison.Ordinal))
                .OrderBy(a => recordedTypes.Contains(KeyTypeOfAlgorithm(a.Key)) ? 0 : 1)
                .ToList();
            info.HostKeyAlgorithms.Clear();
            foreach (var algorithm in ordered) info.HostKeyAlgorithms.Add(algorithm.Key, algorithm.Value);
        }

        private static string KeyTypeOfAlgorithm(string algorithm) => algorithm.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : algorithm;

        private static XenSessionException Translate(Exception e, ConnectionTarget target, SshCredentials credentials)
        {
            var endpoint = EndpointOf(target);
            switch (e)
            {
                case SshAuthenticationException auth:
                    return new SshAuthenticationFailedException(target.ComputerName, $"{target.UserName}@{target.HostName}", credentials.Description, auth.Message, auth);
                case SshOperationTimeoutException _:
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return new XenSessionException(XenSessionErrorId.ConnectTimeout,
                        $"Connecting to {endpoint} timed out after {CommandLimits.DescribeTime(target.ConnectTimeout)}. " +
                        "Check that the host is up and that no firewall drops SSH, or give more time with -ConnectTimeout.", e);
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } socket:
                    return new XenSessionException(XenSessionErrorId.HostNotFound,
                        $"The host name {target.HostName} cannot be resolved ({socket.Message}), so {endpoint} cannot be reached. Check the name, or give its address.", e);
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return new XenSessionException(XenSessionErrorId.ConnectionFailed,
                        $"{endpoint} refused the connection. Check that sshd runs on {target.HostName} and listens on port {target.Port}.", e);
                default:
                    return new XenSessionException(XenSessionErrorId.ConnectionFailed, $"Cannot open an SSH connection to {endpoint}: {e.Message}", e);
            }
        }

        private static bool IsConnectionLoss(Exception e) =>
            e is SshConnectionException || e is SocketException || e is SshOperationTimeoutException || e is ObjectDisposedException || e is ShellChannelLostException;

        private XenSessionException Closed() =>
            new XenSessionException(XenSessionErrorId.SessionClosed, $"The session to {ComputerName} is closed. Open a new one with New-XenSession.");

        /// <summary>The limits of one command and how messages name it.</summary>
        /// <param name="Timeout">The time limit; null for none.</param>
        /// <param name="MaxOutputBytes">Most bytes the command may print, standard output and error together.</param>
        /// <param name="What">The command as messages name it.</param>
        private readonly record struct Limits(TimeSpan? Timeout, long MaxOutputBytes, string What);

        /// <summary>The channel of the shell that ran a command closed, or garbled the command's end line, before its end was read.</summary>
        private sealed class ShellChannelLostException : Exception
        {
            public ShellChannelLostException(Exception? cause)
                : base("the shell that ran it was lost" + (cause is null ? "" : $": {cause.Message}"), cause)
            {
            }
        }

        /// <summary>Decides on the key offered during key exchange; a refusal is kept to be thrown once Connect has failed.</summary>
        private sealed class HostKeyVerifier
        {
            private readonly ConnectionTarget target;
            private readonly KnownHostsFile knownHosts;
            private readonly string sessionComputerName;

            public HostKeyVerifier(ConnectionTarget target, KnownHostsFile knownHosts, string sessionComputerName)
            {
                this.target = target;
                this.knownHosts = knownHosts;
                this.sessionComputerName = sessionComputerName;
            }

            public XenSessionException? Failure { get; private set; }

            public string Fingerprint { get; private set; } = "";

            public void OnHostKeyReceived(object? sender, HostKeyEventArgs e) => e.CanTrust = Verify(e.HostKey);

            private bool Verify(byte[] key)
            {
                var keyType = SshPublicKey.KeyType(key);
                Fingerprint = SshPublicKey.Fingerprint(key);
                var check = knownHosts.Check(target.KnownHostsNames, target.Port, keyType, key);
                switch (check.Status)
                {
                    case HostKeyStatus.Match:
                        return true;
                    case HostKeyStatus.Unknown when target.AcceptNewHostKey:
                        return Record(keyType, key);
                    case HostKeyStatus.Unknown:
                        Failure = new HostKeyUnknownException(target.ComputerName, target.HostName, target.Port, keyType, Fingerprint, knownHosts.Path, sessionComputerName);
                        return false;
                    case HostKeyStatus.Changed:
                        Failure = new HostKeyChangedException(target.ComputerName, keyType, Fingerprint, check.RecordedKeys, knownHosts.Path);
                        return false;
                    default:
                        Failure = new XenSessionException(XenSessionErrorId.HostKeyRevoked,
                            $"The host key of {target.ComputerName} ({keyType} {Fingerprint}) is marked @revoked in {knownHosts.Path} " +
                            $"(line {check.RecordedKeys[0].LineNumber}). XenPS never connects with a revoked key: have the host's key replaced.");
                        return false;
                }
            }

            /// <summary>Records a new key (accept-new) under the name typed and the host name connected to.</summary>
            private bool Record(string keyType, byte[] key)
            {
                try
                {
                    knownHosts.Add(target.KnownHostsNames, target.Port, keyType, key);
                    return true;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Failure = new XenSessionException(XenSessionErrorId.KnownHostsUpdateFailed,
                        $"The new host key of {target.ComputerName} could not be recorded in {knownHosts.Path}: {e.Message} " +
                        "Give a known_hosts file you can write with -KnownHostsPath.", e);
                    return false;
                }
            }
        }
    }
}
