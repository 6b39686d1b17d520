using XenPS.Core.Migration;

namespace XenPS
{
    /// <summary>The job of Move-XenDomain -AsJob: the migrations' results, errors, progress and verbose lines, as they come.</summary>
    internal sealed class MigrationJob : Job, IMigrationEventHandler
    {
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly MigrationBatch batch;
        private readonly IReadOnlyList<string> destinations;
        private readonly Func<Exception, object?, ErrorRecord> toErrorRecord;

        /// <summary>
        /// A job for <paramref name="batch"/>, whose migrations go to <paramref name="destinations"/> (one per migration, in the batch's
        /// order) and whose errors become records through <paramref name="toErrorRecord"/> as the cmdlet's own would.
        /// </summary>
        public MigrationJob(string command, MigrationBatch batch, IReadOnlyList<string> destinations, Func<Exception, object?, ErrorRecord> toErrorRecord)
            : base(command, "Move-XenDomain")
        {
            this.batch = batch;
            this.destinations = destinations;
            this.toErrorRecord = toErrorRecord;
            PSJobTypeName = "XenPSMigrationJob";
        }

        public override string StatusMessage => "";

        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Verbose.Count > 0 || Warning.Count > 0;

        public override string Location => Environment.MachineName;

        /// <summary>Starts the batch; the job ends Completed or Stopped with it, or Failed should the batch itself fail.</summary>
        public void Start()
        {
            SetJobState(JobState.Running);
            batch.RunAsync(e => e.Accept(this), stop.Token).ContinueWith(task =>
            {
                if (task.Exception is AggregateException failure) Error.Add(XenCmdlet.NewErrorRecord(failure.GetBaseException(), XenSessionErrorId.MigrationJobFailed, null));
                SetJobState(stop.IsCancellationRequested ? JobState.Stopped : task.IsFaulted ? JobState.Failed : JobState.Completed);
            }, TaskScheduler.Default);
        }

        void IMigrationEventHandler.OnProgress(MigrationProgressEvent progress) => Progress.Add(MigrationRecords.Progress(progress, destinations[progress.Index]));

        void IMigrationEventHandler.OnLog(MigrationLogEvent log) => Verbose.Add(new VerboseRecord(log.Text));

        void IMigrationEventHandler.OnError(MigrationErrorEvent error) => Error.Add(toErrorRecord(error.Exception, error.Domain));

        void IMigrationEventHandler.OnResult(MigrationResultEvent result)
        {
            if (MigrationRecords.Failure(result.Result) is ErrorRecord failure) Error.Add(failure);
            Output.Add(PSObject.AsPSObject(result.Result));
        }

        void IMigrationEventHandler.OnWarning(MigrationWarningEvent warning) => Warning.Add(new WarningRecord(warning.Message));

        /// <summary>Stops waiting for the migrations; a migration under way goes on on its host, as a warning of the job says.</summary>
        public override void StopJob()
        {
            foreach (var line in batch.Started.StoppedWatching()) Warning.Add(new WarningRecord(line));
            stop.Cancel();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) stop.Dispose();
            base.Dispose(disposing);
        }
    }
}
