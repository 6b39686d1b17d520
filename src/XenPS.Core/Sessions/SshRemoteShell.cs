using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// One SSH connection to a dom0 over SSH.NET. Host keys are checked against known_hosts; commands run through
    /// <c>sh -c</c> (and <c>sudo -n</c> when the session uses sudo); several commands may run at once, each on its own channel.
    /// </summary>
    public sealed class SshRemoteShell : IRemoteShell, IDisposable
    {
        /// <summary>
        /// Commands that run at once on one connection; more wait for a free channel. Below sshd's default MaxSessions (10), leaving room for
        /// stopped commands that still run on the host (OpenSSH does not deliver signals to root sessions, so a cancelled command runs to its end).
        /// </summary>
        private const int MaxConcurrentCommands = 8;

        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(30);
        private static readonly string[] SudoPasswordPrompts = { "sudo: a password is required", "sudo: a terminal is required" };

        private readonly ConnectionTarget _target;
        private readonly SshCredentials _credentials;
        private readonly SemaphoreSlim _reconnectGate = new SemaphoreSlim(1, 1);
        private volatile SshClient? _client;
        private volatile bool _disposed;

        private SshRemoteShell(ConnectionTarget target)
        {
            _target = target;
            _credentials = SshCredentials.Load(target);
        }

        /// <summary>The host as the user named it.</summary>
        public string ComputerName => _target.ComputerName;

        /// <summary>The name or address connected to.</summary>
        public string HostName => _target.HostName;

        public int Port => _target.Port;

        public string UserName => _target.UserName;

        public bool UseSudo => _target.UseSudo;

        /// <summary>Default limit of each command; null means none.</summary>
        public TimeSpan? CommandTimeout => _target.CommandTimeout;

        /// <summary><c>SHA256:...</c> of the host key accepted when the connection was last opened.</summary>
        public string HostKeyFingerprint { get; private set; } = "";

        /// <summary><c>user@host:port</c> with the host as connected to: the identity of this connection.</summary>
        public string ConnectionKey => _target.Key;

        public bool IsDisposed => _disposed;

        /// <summary>True while the SSH connection is up. A dropped connection is opened again by the next command.</summary>
        public bool IsConnected => !_disposed && IsUp(_client);

        /// <summary>Resolves <paramref name="options"/> against the ssh config, loads the key files and connects.</summary>
        public static async Task<SshRemoteShell> ConnectAsync(SessionOptions options, CancellationToken cancellationToken)
        {
            var shell = new SshRemoteShell(ConnectionTarget.Resolve(options));
            try
            {
                shell._client = await shell.ConnectClientAsync(cancellationToken).ConfigureAwait(false);
                return shell;
            }
            catch
            {
                shell.Dispose();
                throw;
            }
        }

        /// <inheritdoc/>
        public async Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            if (command is null) throw new ArgumentNullException(nameof(command));
            if (options is null) throw new ArgumentNullException(nameof(options));
            var sudo = UseSudo && options.NeedsRoot;
            var commandLine = BuildCommandLine(command, sudo);
            var limit = options.Timeout ?? CommandTimeout;
            var client = await ConnectedClientAsync(cancellationToken).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var result = await ExecuteAsync(client, commandLine, limit, cancellationToken).ConfigureAwait(false);
                    if (sudo && AsksForSudoPassword(result))
                    {
                        throw new SudoPasswordRequiredException(ComputerName, UserName);
                    }
                    return result;
                }
                catch (Exception e) when (_disposed && !(e is OperationCanceledException))
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
                    client = await ReconnectAsync(client, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Closes the connection. Later commands fail with <see cref="XenSessionErrorId.SessionClosed"/>.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _client?.Dispose();
            _credentials.Dispose();
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

        private async Task<RemoteResult> ExecuteAsync(SshClient client, string commandLine, TimeSpan? limit, CancellationToken cancellationToken)
        {
            using (var timeout = new CancellationTokenSource())
            using (var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                if (limit is { } l) timeout.CancelAfter(l);
                var stop = new CancellationTokenSource();
                var command = client.CreateCommand(commandLine, Utf8);
                // Stopping a command blocks while SSH.NET waits on the server (about 1.5 s when the server ignores the signal, as OpenSSH
                // does for root): give it a thread of its own, never the thread that cancels nor a pool thread.
                Task? stopping = null;
                var registration = watch.Token.Register(() => stopping = OnOwnThread(stop.Cancel));
                try
                {
                    // Opening the channel also blocks until the server answers: keep that off the caller's thread.
                    await Task.Run(() => command.ExecuteAsync(stop.Token)).ConfigureAwait(false);
                    return new RemoteResult(command.ExitStatus ?? -1, command.Result, command.Error);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new XenSessionException(XenSessionErrorId.CommandTimeout,
                        $"A command on {ComputerName} did not finish within {Describe(limit!.Value)}: XenPS stopped waiting for it. " +
                        "Give more time with -CommandTimeout, or check why the host is slow.");
                }
                catch (SshException e) when (!(e is SshConnectionException) && !(e is SshOperationTimeoutException))
                {
                    throw new XenSessionException(XenSessionErrorId.ChannelOpenFailed,
                        $"{Endpoint} could not run a command: {e.Message} When no channel could be opened, the host's sshd limits the sessions of one " +
                        "connection (MaxSessions) and stopped commands may still run there: wait for them to end, or raise MaxSessions.", e);
                }
                finally
                {
                    registration.Dispose();
                    if (stopping is null) Release(command, stop);
                    else _ = stopping.ContinueWith(_ => Release(command, stop), CancellationToken.None, TaskContinuationOptions.LongRunning, TaskScheduler.Default);
                }
            }
        }

        private static Task OnOwnThread(Action action) =>
            Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        private static void Release(SshCommand command, CancellationTokenSource stop)
        {
            command.Dispose();
            stop.Dispose();
        }

        private async Task<SshClient> ConnectedClientAsync(CancellationToken cancellationToken)
        {
            if (_disposed) throw Closed();
            var client = _client!;
            return IsUp(client) ? client : await ReconnectAsync(client, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Replaces <paramref name="stale"/> by a new connection, unless another command already did.</summary>
        private async Task<SshClient> ReconnectAsync(SshClient stale, CancellationToken cancellationToken)
        {
            await _reconnectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_disposed) throw Closed();
                var current = _client!;
                if (!ReferenceEquals(current, stale) && IsUp(current)) return current;
                var fresh = await ConnectClientAsync(cancellationToken).ConfigureAwait(false);
                _client = fresh;
                current.Dispose();
                if (_disposed)
                {
                    fresh.Dispose();
                    throw Closed();
                }
                return fresh;
            }
            finally
            {
                _reconnectGate.Release();
            }
        }

        private async Task<SshClient> ConnectClientAsync(CancellationToken cancellationToken)
        {
            var info = new ConnectionInfo(HostName, Port, UserName, _credentials.Methods)
            {
                Timeout = _target.ConnectTimeout,
                Encoding = Utf8,
                MaxSessions = MaxConcurrentCommands,
            };
            var knownHosts = LoadKnownHosts();
            PreferRecordedKeyTypes(info, knownHosts.RecordedKeyTypes(_target.KnownHostsNames, Port));
            var verifier = new HostKeyVerifier(_target, knownHosts);
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
                throw verifier.Failure ?? Translate(e);
            }
            HostKeyFingerprint = verifier.Fingerprint;
            return client;
        }

        private KnownHostsFile LoadKnownHosts()
        {
            try
            {
                return KnownHostsFile.Load(_target.KnownHostsPath);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new XenSessionException(XenSessionErrorId.ConnectionFailed,
                    $"The known_hosts file {_target.KnownHostsPath} cannot be read: {e.Message}", e);
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

        private XenSessionException Translate(Exception e)
        {
            switch (e)
            {
                case SshAuthenticationException auth:
                    return new SshAuthenticationFailedException(ComputerName, $"{UserName}@{HostName}", _credentials.Description, auth.Message, auth);
                case SshOperationTimeoutException _:
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return new XenSessionException(XenSessionErrorId.ConnectTimeout,
                        $"Connecting to {Endpoint} timed out after {Describe(_target.ConnectTimeout)}. " +
                        "Check that the host is up and that no firewall drops SSH, or give more time with -ConnectTimeout.", e);
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } socket:
                    return new XenSessionException(XenSessionErrorId.HostNotFound,
                        $"The host name {HostName} cannot be resolved ({socket.Message}), so {Endpoint} cannot be reached. Check the name, or give its address.", e);
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return new XenSessionException(XenSessionErrorId.ConnectionFailed,
                        $"{Endpoint} refused the connection. Check that sshd runs on {HostName} and listens on port {Port}.", e);
                default:
                    return new XenSessionException(XenSessionErrorId.ConnectionFailed, $"Cannot open an SSH connection to {Endpoint}: {e.Message}", e);
            }
        }

        private static bool IsConnectionLoss(Exception e) =>
            e is SshConnectionException || e is SocketException || e is SshOperationTimeoutException || e is ObjectDisposedException;

        private static bool IsUp(SshClient? client)
        {
            try
            {
                return client?.IsConnected == true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        private XenSessionException Closed() =>
            new XenSessionException(XenSessionErrorId.SessionClosed, $"The session to {ComputerName} is closed. Open a new one with New-XenSession.");

        private static string Describe(TimeSpan span) =>
            span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.###} s" : span.ToString();

        /// <summary>Decides on the key offered during key exchange; a refusal is kept to be thrown once Connect has failed.</summary>
        private sealed class HostKeyVerifier
        {
            private readonly ConnectionTarget _target;
            private readonly KnownHostsFile _knownHosts;

            public HostKeyVerifier(ConnectionTarget target, KnownHostsFile knownHosts)
            {
                _target = target;
                _knownHosts = knownHosts;
            }

            public XenSessionException? Failure { get; private set; }

            public string Fingerprint { get; private set; } = "";

            public void OnHostKeyReceived(object? sender, HostKeyEventArgs e) => e.CanTrust = Verify(e.HostKey);

            private bool Verify(byte[] key)
            {
                var keyType = SshPublicKey.KeyType(key);
                Fingerprint = SshPublicKey.Fingerprint(key);
                var check = _knownHosts.Check(_target.KnownHostsNames, _target.Port, keyType, key);
                switch (check.Status)
                {
                    case HostKeyStatus.Match:
                        return true;
                    case HostKeyStatus.Unknown when _target.AcceptNewHostKey:
                        return Record(keyType, key);
                    case HostKeyStatus.Unknown:
                        Failure = new HostKeyUnknownException(_target.ComputerName, _target.HostName, _target.Port, keyType, Fingerprint, _knownHosts.Path);
                        return false;
                    case HostKeyStatus.Changed:
                        Failure = new HostKeyChangedException(_target.ComputerName, keyType, Fingerprint, check.RecordedKeys, _knownHosts.Path);
                        return false;
                    default:
                        Failure = new XenSessionException(XenSessionErrorId.HostKeyRevoked,
                            $"The host key of {_target.ComputerName} ({keyType} {Fingerprint}) is marked @revoked in {_knownHosts.Path} " +
                            $"(line {check.RecordedKeys[0].LineNumber}). XenPS never connects with a revoked key: have the host's key replaced.");
                        return false;
                }
            }

            /// <summary>Records a new key (accept-new) under the name typed and the host name connected to.</summary>
            private bool Record(string keyType, byte[] key)
            {
                try
                {
                    _knownHosts.Add(_target.KnownHostsNames, _target.Port, keyType, key);
                    return true;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Failure = new XenSessionException(XenSessionErrorId.KnownHostsUpdateFailed,
                        $"The new host key of {_target.ComputerName} could not be recorded in {_knownHosts.Path}: {e.Message} " +
                        "Give a known_hosts file you can write with -KnownHostsPath.", e);
                    return false;
                }
            }
        }
    }
}
