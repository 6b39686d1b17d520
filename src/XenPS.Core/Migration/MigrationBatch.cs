using System.Collections.Concurrent;
using XenPS.Core.Model;
using XenPS.Core.Remote;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// Runs approved migrations, at most a throttle limit at once, and reports each one's progress, log lines, and its result
    /// or error as <see cref="MigrationEvent"/>s. Whatever one migration throws ends that migration only: it becomes an error
    /// event for its domain after a completed progress event, so the batch itself never faults and every progress bar ends.
    /// Each migration is recorded in the <see cref="Journal"/>: a line when it starts, and one when it ends (with its result, its
    /// error, or that the caller stopped watching), written before the migration's last events; a journal that cannot be written
    /// gives a warning event, never an error.
    /// </summary>
    public sealed class MigrationBatch
    {
        private readonly IReadOnlyList<MigrationRequest> requests;
        private readonly int throttleLimit;
        private readonly Func<MigrationRequest, Action<MigrationProgress>, Action<string>, CancellationToken, Task<MigrationResult>> migrate;

        /// <summary>A batch that migrates with <see cref="MigrationOrchestrator.MigrateAsync"/>.</summary>
        public MigrationBatch(IEnumerable<MigrationRequest> requests, int throttleLimit)
            : this(requests, throttleLimit, MigrationOrchestrator.MigrateAsync)
        {
            Journal = MigrationJournal.ForCurrentUser();
        }

        /// <summary>A batch that runs each request through <paramref name="migrate"/>, which gets the request, progress and log callbacks, and the cancellation.</summary>
        public MigrationBatch(IEnumerable<MigrationRequest> requests, int throttleLimit,
            Func<MigrationRequest, Action<MigrationProgress>, Action<string>, CancellationToken, Task<MigrationResult>> migrate)
        {
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit), throttleLimit, "At least one migration must be allowed to run.");
            this.requests = requests.ToList();
            this.throttleLimit = throttleLimit;
            this.migrate = migrate;
        }

        /// <summary>
        /// Where each migration is recorded: the current user's journal for a batch of <see cref="MigrationOrchestrator.MigrateAsync"/>
        /// (its path is taken when the batch is made), none by default for a batch of another migrate function; null records nothing.
        /// </summary>
        public MigrationJournal? Journal { get; set; }

        /// <summary>The migrations whose toolstack command runs now: whoever stops watching tells the user about these.</summary>
        public StartedMigrations Started { get; } = new StartedMigrations();

        /// <summary>
        /// Runs every request and hands each event to <paramref name="emit"/> as it happens, from worker threads. Cancelling stops
        /// the watching only (a started migration goes on on its source, as <see cref="Started"/> says); the task then ends without
        /// further events for the migrations it stopped.
        /// </summary>
        public Task RunAsync(Action<MigrationEvent> emit, CancellationToken cancellationToken)
        {
            var recorder = Journal is null ? null : new MigrationJournalRecorder(Journal);
            return Task.Run(() => RunInOrderAsync(recorder, emit, cancellationToken));
        }

        /// <summary>
        /// Takes a place under the throttle for each request in turn and only then starts its worker, so that the migrations
        /// start in the order of the requests (the plan's order, the largest guest first; one after the other in that order
        /// with a limit of 1). Workers that each waited for a place would take them in whatever order the thread pool ran them.
        /// </summary>
        private async Task RunInOrderAsync(MigrationJournalRecorder? recorder, Action<MigrationEvent> emit, CancellationToken cancellationToken)
        {
            var gate = new SemaphoreSlim(throttleLimit);
            var running = new List<Task>();
            try
            {
                for (var index = 0; index < requests.Count; index++)
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    var (i, request) = (index, requests[index]);
                    running.Add(Task.Run(() => RunOneAsync(i, request, gate, recorder, emit, cancellationToken)));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller stopped watching: the migrations that had no place yet are not started.
            }
            await Task.WhenAll(running).ConfigureAwait(false);
        }

        /// <summary>
        /// Runs every request and yields the events on the enumerating thread, in the order they happened; the enumeration ends
        /// with the last migration. Cancelling throws <see cref="OperationCanceledException"/> out of the enumeration.
        /// </summary>
        public IEnumerable<MigrationEvent> Run(CancellationToken cancellationToken)
        {
            // Not disposed: a worker may still add an event after the reader was cancelled and left.
            var events = new BlockingCollection<MigrationEvent>();
            _ = RunAsync(events.Add, cancellationToken).ContinueWith(_ => events.CompleteAdding(), TaskScheduler.Default);
            return events.GetConsumingEnumerable(cancellationToken);
        }

        /// <summary>Runs one migration, which holds a place of <paramref name="gate"/> and gives it back when it ends.</summary>
        private async Task RunOneAsync(int index, MigrationRequest request, SemaphoreSlim gate, MigrationJournalRecorder? recorder, Action<MigrationEvent> emit,
            CancellationToken cancellationToken)
        {
            var domain = request.Domain;
            // The remote commands of this migration are traced as its log lines, so that -Verbose (and a job's verbose stream)
            // shows them under the domain's name.
            using var trace = RemoteTrace.Listen(line => emit(new MigrationLogEvent(index, domain, line)));
            StartedMigration? underWay = null;
            JournalledMigration? journalled = null;
            var ended = false;
            request.Started = migration => Started.Add(underWay = migration);
            void Warn(string? warning)
            {
                if (warning != null) emit(new MigrationWarningEvent(index, domain, warning));
            }
            try
            {
                try
                {
                    if (recorder != null)
                    {
                        journalled = recorder.Start(request, out var warning);
                        Warn(warning);
                    }
                    var result = await migrate(request,
                        progress => emit(new MigrationProgressEvent(index, domain, progress.PercentComplete, progress.Status)),
                        line => emit(new MigrationLogEvent(index, domain, line)),
                        cancellationToken).ConfigureAwait(false);
                    Warn(recorder?.Ended(journalled, request, result));
                    ended = true;
                    emit(new MigrationProgressEvent(index, domain, 100, result.Status.ToString(), Completed: true));
                    emit(new MigrationResultEvent(index, domain, result));
                }
                finally
                {
                    if (underWay != null) Started.Remove(underWay);
                    gate.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller stopped watching and has been told what goes on; nothing more is reported to it, but the journal says so.
                if (!ended) recorder?.Stopped(journalled, request, underWay);
            }
            catch (Exception e)
            {
                if (!ended) Warn(recorder?.Failed(journalled, request, e, underWay != null));
                emit(new MigrationProgressEvent(index, domain, 100, "Failed", Completed: true));
                emit(new MigrationErrorEvent(index, domain, e));
            }
        }
    }
}
