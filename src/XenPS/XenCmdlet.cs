using System.Collections.Concurrent;
using XenPS.Core.Parsing;
using XenPS.Core.Text;

namespace XenPS
{
    /// <summary>
    /// What every XenPS cmdlet shares: Ctrl+C cancels every SSH wait, work on several hosts runs in parallel, and a failure on
    /// one host becomes one error record naming that host (<see cref="XenTargetCmdlet"/> adds the hosts of -ComputerName and -Session).
    /// </summary>
    public abstract class XenCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
        private readonly ConcurrentQueue<string> traced = new ConcurrentQueue<string>();

        /// <summary>Cancelled when the user presses Ctrl+C.</summary>
        protected CancellationToken CancellationToken => cancellation.Token;

        /// <inheritdoc/>
        protected override void StopProcessing() => cancellation.Cancel();

        /// <inheritdoc/>
        public void Dispose() => cancellation.Dispose();

        /// <summary>
        /// Starts the work <paramref name="start"/> returns and waits for it on the pipeline thread, writing the trace of its
        /// remote commands as verbose lines while it runs, and unwrapping its exception.
        /// </summary>
        protected T Wait<T>(Func<Task<T>> start)
        {
            Task<T> task;
            using (RemoteTrace.Listen(traced.Enqueue)) task = start();
            while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(TracePollInterval)) WriteTraced();
            WriteTraced();
            return task.GetAwaiter().GetResult();
        }

        /// <summary>As <see cref="Wait{T}(Func{Task{T}})"/>, for work that returns nothing.</summary>
        protected void Wait(Func<Task> start) => Wait(async () =>
        {
            await start().ConfigureAwait(false);
            return true;
        });

        /// <summary>How often a wait on the pipeline thread writes the remote commands traced meanwhile.</summary>
        private const int TracePollInterval = 100;

        /// <summary>Writes, as verbose lines, the remote commands traced since the last call (see <see cref="RemoteTrace"/>).</summary>
        protected void WriteTraced()
        {
            while (traced.TryDequeue(out var line)) WriteVerbose(line);
        }

        /// <summary>What the registry did for implicit sessions on worker threads, written on the pipeline thread by <see cref="WriteSessionNotes"/>.</summary>
        private readonly ConcurrentQueue<SessionLease> sessionNotes = new ConcurrentQueue<SessionLease>();

        /// <summary>
        /// The registry's session for <paramref name="computerName"/>, with the settings New-XenSession was given for that name (else the
        /// defaults) and the credential; a session it reconnected or opened is noted for <see cref="WriteSessionNotes"/>. Any thread.
        /// </summary>
        protected async Task<XenSession> ImplicitSessionAsync(string computerName, PSCredential? credential, CancellationToken cancellationToken)
        {
            var options = SessionRegistry.Default.OptionsFor(computerName);
            ApplyCredential(options, credential, forKeyPassphrase: false);
            var lease = await SessionRegistry.Default.GetOrOpenAsync(options, cancellationToken).ConfigureAwait(false);
            if (lease.Action != SessionAction.Reuse) sessionNotes.Enqueue(lease);
            return lease.Session;
        }

        /// <summary>Writes, on the pipeline thread, what the registry did for implicit sessions since the last call: verbose lines and warnings.</summary>
        protected void WriteSessionNotes()
        {
            while (sessionNotes.TryDequeue(out var lease)) WriteLease(lease);
        }

        /// <summary>Writes what the registry did to hand out a session: its note as a verbose line, its warning as a warning.</summary>
        protected void WriteLease(SessionLease lease)
        {
            if (lease.Note is string note) WriteVerbose(note);
            if (lease.Warning is string warning) WriteWarning(warning);
        }

        /// <summary>Puts a credential's user name and secret into the options; the secret is a password or a key passphrase.</summary>
        protected static void ApplyCredential(SessionOptions options, PSCredential? credential, bool forKeyPassphrase)
        {
            if (credential is null || credential == PSCredential.Empty) return;
            if (!string.IsNullOrEmpty(credential.UserName)) options.UserName = credential.UserName;
            var secret = credential.GetNetworkCredential().Password;
            if (string.IsNullOrEmpty(secret)) return;
            if (forKeyPassphrase) options.KeyPassphrase = secret;
            else options.Password = secret;
        }

        /// <summary>
        /// Runs <paramref name="work"/> for every target at once and returns, in the targets' order, either the
        /// result or the exception of each one; Ctrl+C stops the whole call.
        /// </summary>
        protected IReadOnlyList<HostOutcome<T>> RunOnEach<TTarget, T>(IReadOnlyList<TTarget> targets, Func<TTarget, CancellationToken, Task<T>> work)
        {
            ReservePoolThreads(targets.Count);
            Task<T>[] tasks;
            using (RemoteTrace.Listen(traced.Enqueue)) tasks = targets.Select(t => Task.Run(() => work(t, CancellationToken))).ToArray();
            try
            {
                while (!Task.WaitAll(tasks, TracePollInterval, CancellationToken)) WriteTraced();
            }
            catch (AggregateException)
            {
                // Each task's own fault is reported below.
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            WriteTraced();
            return tasks.Select(t => t.Status == TaskStatus.RanToCompletion
                ? new HostOutcome<T>(t.Result, null)
                : new HostOutcome<T>(default!, t.Exception?.GetBaseException() ?? new OperationCanceledException())).ToList();
        }

        /// <summary>
        /// Raises the thread pool's minimum so that each of <paramref name="hosts"/> can hold a pool thread at once. SSH.NET blocks a pool
        /// thread while it waits on the server (the key exchange of a connect, the opening of a channel); once the minimum (the number of
        /// cores) is busy the pool adds about one thread each half second, so sixteen hosts on two cores would connect in waves: opening
        /// 16 sessions to hosts 40 ms away took 2.1-2.9 s with the default minimum and 1.6 s with this one, against 0.5 s for one.
        /// The minimum is only ever raised, under a lock, as calls in other runspaces may be fanning out at the same time.
        /// </summary>
        private static void ReservePoolThreads(int hosts)
        {
            lock (PoolLock)
            {
                ThreadPool.GetMinThreads(out var workers, out var completionPorts);
                var wanted = Math.Min(MaxReservedPoolThreads, Environment.ProcessorCount + hosts);
                if (workers < wanted) ThreadPool.SetMinThreads(wanted, completionPorts);
            }
        }

        /// <summary>The most pool threads <see cref="ReservePoolThreads"/> asks for: hosts beyond it share the threads the pool adds itself.</summary>
        private const int MaxReservedPoolThreads = 256;

        private static readonly object PoolLock = new object();

        /// <summary>
        /// Whether <paramref name="exception"/>, raised by work on one host, is that host's failure, to be written as its error
        /// record while the other hosts go on (as <see cref="RunOnEach"/> does), rather than Ctrl+C, which ends the whole call.
        /// </summary>
        protected static bool IsHostFailure(Exception exception) => exception is not (OperationCanceledException or PipelineStoppedException);

        /// <summary>
        /// Checks every wildcard pattern of parameter <paramref name="parameterName"/> before anything runs: an invalid one (<c>x[</c>)
        /// ends the call with InvalidWildcardPattern, as PowerShell's own cmdlets do, rather than failing each host halfway.
        /// </summary>
        protected void ValidateWildcards(IEnumerable<string>? patterns, string parameterName)
        {
            foreach (var pattern in patterns ?? Enumerable.Empty<string>())
            {
                try
                {
                    WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase).IsMatch("");
                }
                catch (WildcardPatternException e)
                {
                    ThrowTerminatingError(NewErrorRecord(
                        new ArgumentException($"-{parameterName} '{VisibleText.Escape(pattern)}' is not a valid wildcard pattern ({e.Message.TrimEnd('.')}), so nothing was run. " +
                            "To match [ ] * ? literally, escape them with a backtick (`[) or with [WildcardPattern]::Escape().", parameterName, e),
                        XenSessionErrorId.InvalidWildcardPattern, pattern));
                }
            }
        }

        /// <summary>
        /// Turns an exception from XenPS.Core into an error record whose target is <paramref name="target"/>. A message that carries
        /// control characters (from a domain name or a tool's output) is shown with them escaped; the exception keeps the exact text.
        /// </summary>
        protected ErrorRecord ToErrorRecord(Exception exception, object? target)
        {
            var record = NewErrorRecord(exception, target);
            if (VisibleText.NeedsEscape(exception.Message)) record.ErrorDetails = new ErrorDetails(VisibleText.Escape(exception.Message));
            return record;
        }

        /// <summary>An error record of <paramref name="exception"/> whose id and category are those of the table entry <paramref name="errorId"/>.</summary>
        internal static ErrorRecord NewErrorRecord(Exception exception, XenErrorId errorId, object? target) =>
            new ErrorRecord(exception, errorId.Name, CategoryOf(errorId.Kind), target);

        private static ErrorRecord NewErrorRecord(Exception exception, object? target) => exception switch
        {
            XenSessionException xen => NewErrorRecord(xen, xen.ErrorId, target),
            ArgumentException => NewErrorRecord(exception, XenSessionErrorId.InvalidArgument, target),
            XenParseException => NewErrorRecord(exception, XenSessionErrorId.UnreadableData, target),
            _ => new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target),
        };

        /// <summary>Each <see cref="XenErrorKind"/> is named after the ErrorCategory it stands for.</summary>
        private static ErrorCategory CategoryOf(XenErrorKind kind) => (ErrorCategory)Enum.Parse(typeof(ErrorCategory), kind.ToString());
    }

    /// <summary>The result of work on one host, or why it failed.</summary>
    public readonly struct HostOutcome<T>
    {
        /// <summary>Creates the outcome: a value, or the error that replaced it.</summary>
        public HostOutcome(T value, Exception? error)
        {
            Value = value;
            Error = error;
        }

        /// <summary>The result; meaningless when <see cref="Error"/> is set.</summary>
        public T Value { get; }

        /// <summary>Why the work failed on that host, or null.</summary>
        public Exception? Error { get; }
    }
}
