using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;

namespace XenPS.Core.Migration
{
    /// <summary>Makes the guest probe's connection attempts, from the client or from a dom0.</summary>
    internal interface IGuestProber
    {
        /// <summary>Attempts until <see cref="StopAsync"/> was called and <paramref name="schedule"/> says the loop is done; <paramref name="stopAtOnce"/> asks from the start.</summary>
        Task<IReadOnlyList<GuestProbeSample>> RunAsync(GuestProbeSchedule schedule, bool stopAtOnce, CancellationToken cancellationToken);

        /// <summary>Asks the running loop to end (after the guest answered again, or the grace time).</summary>
        Task StopAsync(CancellationToken cancellationToken);
    }

    /// <summary>Connection attempts from this computer.</summary>
    internal sealed class ClientGuestProber : IGuestProber
    {
        private readonly GuestProbeOptions options;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private long stopTicks = -1;

        public ClientGuestProber(GuestProbeOptions options)
        {
            this.options = options;
        }

        public async Task<IReadOnlyList<GuestProbeSample>> RunAsync(GuestProbeSchedule schedule, bool stopAtOnce, CancellationToken cancellationToken)
        {
            var samples = new List<GuestProbeSample>();
            TimeSpan? stopAt = stopAtOnce ? clock.Elapsed : (TimeSpan?)null;
            while (true)
            {
                var start = clock.Elapsed;
                var answered = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                var sample = new GuestProbeSample(start, clock.Elapsed, answered);
                samples.Add(sample);
                var now = clock.Elapsed;
                var requested = Interlocked.Read(ref stopTicks);
                stopAt ??= requested < 0 ? (TimeSpan?)null : TimeSpan.FromTicks(requested);
                if (schedule.IsDone(sample, stopAt, now)) return samples;
                await Task.Delay(schedule.Delay(sample, now), cancellationToken).ConfigureAwait(false);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Interlocked.CompareExchange(ref stopTicks, clock.Elapsed.Ticks, -1);
            return Task.CompletedTask;
        }

        /// <summary>One TCP connection (name resolution included) within the connect timeout; closed again at once.</summary>
        private async Task<bool> ConnectAsync(CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            Socket? socket = null;
            try
            {
                var addresses = IPAddress.TryParse(options.Target.Host, out var literal)
                    ? new[] { literal }
                    : await WithinAsync(Dns.GetHostAddressesAsync(options.Target.Host), timeout.Token).ConfigureAwait(false);
                var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
                if (address is null) return false;
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                await WithinAsync(socket.ConnectAsync(address, options.Target.Port), timeout.Token).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return false;
            }
            finally
            {
                socket?.Dispose();
            }
        }

        /// <summary><paramref name="task"/>'s result, or OperationCanceledException when <paramref name="token"/> fires first (the task is then left to fail unobserved-safe).</summary>
        private static async Task<T> WithinAsync<T>(Task<T> task, CancellationToken token)
        {
            await WithinAsync((Task)task, token).ConfigureAwait(false);
            return await task.ConfigureAwait(false);
        }

        private static async Task WithinAsync(Task task, CancellationToken token)
        {
            var cancelled = new TaskCompletionSource<bool>();
            using (token.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    _ = task.ContinueWith(t => t.Exception, TaskScheduler.Default);
                    throw new OperationCanceledException(token);
                }
            }
            await task.ConfigureAwait(false);
        }
    }

    /// <summary>Connection attempts from a dom0: <c>Scripts/guest-probe.sh</c> run there over SSH, its lines read when it ends.</summary>
    internal sealed class RemoteGuestProber : IGuestProber
    {
        public const string Script = "guest-probe.sh";
        private readonly GuestProbeOptions options;
        private readonly IRemoteShell shell;
        private readonly TimeSpan limit;
        private readonly string stopFile = "/tmp/xenps-guest-probe." + RandomToken.New();

        /// <summary>A prober on <paramref name="shell"/>'s dom0 whose loop runs there for at most <paramref name="limit"/>, however it goes.</summary>
        public RemoteGuestProber(GuestProbeOptions options, IRemoteShell shell, TimeSpan limit)
        {
            this.options = options;
            this.shell = shell;
            this.limit = limit;
        }

        public async Task<IReadOnlyList<GuestProbeSample>> RunAsync(GuestProbeSchedule schedule, bool stopAtOnce, CancellationToken cancellationToken)
        {
            var command = Command(options, schedule, stopAtOnce ? "-" : stopFile, limit);
            var result = await shell.RunAsync(command, new RemoteRunOptions
            {
                NeedsRoot = false,
                Timeout = limit + TimeSpan.FromMinutes(1),
                What = "the guest probe",
            }, cancellationToken).ConfigureAwait(false);
            if (!stopAtOnce) await shell.RunAsync(ShellQuote.Join("rm", "-f", stopFile), new RemoteRunOptions { NeedsRoot = false }, cancellationToken).ConfigureAwait(false);
            return ParseOutput(result.Stdout);
        }

        public Task StopAsync(CancellationToken cancellationToken) =>
            shell.RunAsync(ShellQuote.Join("touch", stopFile), new RemoteRunOptions { NeedsRoot = false }, cancellationToken);

        /// <summary>The shell text that runs the loop: the script, then its function with every value as a quoted positional argument.</summary>
        internal static string Command(GuestProbeOptions options, GuestProbeSchedule schedule, string stop, TimeSpan limit) =>
            RemoteScripts.Call(Script, "xenps_guest_probe", options.Target.Host, Number(options.Target.Port), Number(schedule.Interval.TotalMilliseconds),
                Number(options.ConnectTimeout.TotalMilliseconds), stop, Number(schedule.Grace.TotalMilliseconds), Number(Math.Ceiling(limit.TotalSeconds)));

        /// <summary>
        /// Reads the loop's lines (<c>START END open|closed</c>, milliseconds since the epoch) into samples timed from the first
        /// attempt's start; a line of another shape (the last one, cut off when the connection dropped) is left out.
        /// </summary>
        internal static IReadOnlyList<GuestProbeSample> ParseOutput(string stdout)
        {
            var samples = new List<GuestProbeSample>();
            long? origin = null;
            foreach (var line in stdout.Split('\n'))
            {
                var words = line.Trim().Split(' ');
                if (words.Length != 3 || (words[2] != "open" && words[2] != "closed")) continue;
                if (!long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                    || !long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end) || end < start)
                {
                    continue;
                }
                origin ??= start;
                samples.Add(new GuestProbeSample(TimeSpan.FromMilliseconds(start - origin.Value), TimeSpan.FromMilliseconds(end - origin.Value), words[2] == "open"));
            }
            return samples;
        }

        private static string Number(double value) => ((long)value).ToString(CultureInfo.InvariantCulture);
    }
}
