using Renci.SshNet;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// The SSH client of a session's host and, when it is reached through jump hosts, the chain it runs over: per hop, the hop's
    /// client and the port forwarded on it (127.0.0.1, a port the system picks) to the next hop or the host; and the shells on the
    /// host that wait for a command (<see cref="ShellChannel"/>), which live and die with the connection.
    /// </summary>
    internal sealed class SshConnection : IDisposable
    {
        private readonly IReadOnlyList<JumpLink> links;
        private readonly Stack<ShellChannel> idle = new Stack<ShellChannel>();
        private bool closed;

        public SshConnection(SshClient client, IReadOnlyList<JumpLink> links)
        {
            Client = client;
            this.links = links;
        }

        /// <summary>The client of the session's own host.</summary>
        public SshClient Client { get; }

        /// <summary>True while the host's client and every hop are connected.</summary>
        public bool IsUp => IsConnected(Client) && links.All(l => l.IsUp);

        /// <summary>
        /// A shell that waits for a command, taken out of the idle ones; null when none is left open. A shell whose channel closed while
        /// it waited is dropped.
        /// </summary>
        public ShellChannel? TakeIdle()
        {
            while (true)
            {
                ShellChannel channel;
                lock (idle)
                {
                    if (idle.Count == 0) return null;
                    channel = idle.Pop();
                }
                if (channel.IsOpen) return channel;
                channel.Dispose();
            }
        }

        /// <summary>Puts back a shell whose command has ended, for the next command; once the connection is closed, closes it.</summary>
        public void Return(ShellChannel channel)
        {
            lock (idle)
            {
                if (!closed)
                {
                    idle.Push(channel);
                    return;
                }
            }
            channel.Dispose();
        }

        /// <summary>
        /// Closes the host's client, then the idle shells (with the client gone, their channels close without waiting for the server),
        /// then the hops from the last to the first.
        /// </summary>
        public void Dispose()
        {
            List<ShellChannel> shells;
            lock (idle)
            {
                closed = true;
                shells = idle.ToList();
                idle.Clear();
            }
            Client.Dispose();
            shells.ForEach(s => s.Dispose());
            Close(links);
        }

        /// <summary>Closes <paramref name="links"/> from the last to the first.</summary>
        public static void Close(IReadOnlyList<JumpLink> links)
        {
            for (var i = links.Count - 1; i >= 0; i--) links[i].Dispose();
        }

        public static bool IsConnected(SshClient? client)
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
    }

    /// <summary>One jump host of a connection: its client and the port forwarded through it to the next hop or the host.</summary>
    internal sealed class JumpLink : IDisposable
    {
        private readonly ForwardedPortLocal forward;

        /// <summary>Forwards 127.0.0.1 on a port the system picks, through <paramref name="client"/>, to <paramref name="next"/>; not yet started.</summary>
        public JumpLink(ConnectionTarget hop, SshClient client, ConnectionTarget next)
        {
            Hop = hop;
            Client = client;
            Next = next;
            forward = new ForwardedPortLocal("127.0.0.1", 0, next.HostName, (uint)next.Port);
        }

        public ConnectionTarget Hop { get; }

        public SshClient Client { get; }

        /// <summary>The hop or host the forwarded port leads to.</summary>
        public ConnectionTarget Next { get; }

        /// <summary>The local port that leads to <see cref="Next"/>, once started.</summary>
        public int LocalPort => (int)forward.BoundPort;

        public bool IsUp => SshConnection.IsConnected(Client) && forward.IsStarted;

        /// <summary>Starts listening on 127.0.0.1.</summary>
        public void Start()
        {
            Client.AddForwardedPort(forward);
            forward.Start();
        }

        /// <summary>Stops and closes the forwarded port, then the hop's client.</summary>
        public void Dispose()
        {
            forward.Dispose();
            Client.Dispose();
        }
    }
}
