using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;

namespace XenPS
{
    /// <summary>The job of Move-XenDomain -AsJob: the migrations' results, errors, progress and verbose lines, as they come.</summary>
    internal sealed class MigrationJob : Job
    {
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private readonly StartedMigrations started;

        public MigrationJob(string command, StartedMigrations started)
            : base(command, "Move-XenDomain")
        {
            this.started = started;
            PSJobTypeName = "XenPSMigrationJob";
        }

        public override string StatusMessage => "";

        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Verbose.Count > 0 || Warning.Count > 0;

        public override string Location => Environment.MachineName;

        /// <summary>Starts the work; the job ends Completed, Failed or Stopped with it.</summary>
        public void Run(Func<CancellationToken, Task> work)
        {
            SetJobState(JobState.Running);
            work(stop.Token).ContinueWith(task =>
            {
                if (task.Exception is AggregateException failure) Error.Add(new ErrorRecord(failure.GetBaseException(), "MigrationJobFailed", ErrorCategory.NotSpecified, null));
                SetJobState(stop.IsCancellationRequested ? JobState.Stopped : task.IsFaulted ? JobState.Failed : JobState.Completed);
            }, TaskScheduler.Default);
        }

        /// <summary>Files one record of the migrations into the job's streams.</summary>
        public void Add(object update)
        {
            switch (update)
            {
                case ProgressRecord record: Progress.Add(record); break;
                case ErrorRecord error: Error.Add(error); break;
                case string line: Verbose.Add(new VerboseRecord(line)); break;
                default: Output.Add(PSObject.AsPSObject(update)); break;
            }
        }

        /// <summary>Stops waiting for the migrations; a migration under way goes on on its host, as a warning of the job says.</summary>
        public override void StopJob()
        {
            foreach (var line in started.StoppedWatching()) Warning.Add(new WarningRecord(line));
            stop.Cancel();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) stop.Dispose();
            base.Dispose(disposing);
        }
    }
}
