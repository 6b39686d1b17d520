using System.Collections.Concurrent;
using XenPS.Core.Migration;
using XenPS.Core.Readiness;

namespace XenPS.Commands
{
    /// <summary>Move-XenDomain -SaveTo: a running guest moved by save and restore through a shared folder (XenPS.Core's SaveRestoreMove and SaveRestoreReadiness).</summary>
    public sealed partial class MoveXenDomainCommand
    {
        /// <summary>While a save and restore runs: what Ctrl+C says, which does not stop it (read by Ctrl+C from another thread).</summary>
        private volatile string? saveRestoreUnderWay;

        /// <summary>Checks, confirms and moves the one guest named, saved to and restored from <paramref name="folder"/>.</summary>
        private void MoveBySaveRestore(string folder)
        {
            if (OneGuest(folder, AsJob || GuestProbe != null || RemoveLeftover || !Live || Start || Timeout != 0 || MigrationTarget != null || Port != 0 || SshCommand != null,
                "-SaveTo saves the guest and restores it, with no connection between the dom0s and nothing to watch on the guest, and it is never left half done: " +
                "-AsJob, -GuestProbe, -RemoveLeftover, -Live, -Start, -Timeout, -MigrationTarget, -Port and -SshCommand do not apply; leave them out.",
                "-SaveTo moves one guest: give one domain name and one -Destination.") is not (XenSession destination, string name)) return;
            var lines = new ConcurrentQueue<string>();
            try
            {
                OneGuestMove(name, lines, () =>
                {
                    var source = Wait(() => SessionForAsync(Targets[0], CancellationToken));
                    WriteSessionNotes();
                    var check = Wait(() => SaveRestoreReadiness.CheckAsync(source, destination, name, folder, SkipReadinessCheck, SkipCheck, WhatIfMode, lines.Enqueue, CancellationToken));
                    WriteLines(lines);
                    if (check.Problem() is string problem)
                    {
                        WriteError(NewErrorRecord(new InvalidOperationException(problem), XenSessionErrorId.ReadinessCheckFailed, name));
                        return;
                    }
                    var plan = check.Plan;
                    var action = $"Save it to {plan.StateFile} ('{Typed(plan.SaveCommand)}'), which stops it, restore it on {destination.ComputerName} " +
                        $"('{Typed(plan.RestoreCommand(plan.Destination))}'), then remove the file{NotRun(check.Checks.Prepend(check.SharedFolder))}";
                    if (!ShouldProcess($"{name} on {source.ComputerName}", action)) return;
                    var owner = $"Move-XenDomain -SaveTo by {Environment.UserName}@{Environment.MachineName}, started {DateTime.Now:yyyy-MM-dd HH:mm:ss}";
                    var note = $"{name}: Move-XenDomain -SaveTo goes on until the guest runs again, on {destination.ComputerName} or on {source.ComputerName}: " +
                        $"it does not stop between the save and the restore, for the guest runs nowhere in between. Its state is in {plan.StateFile}.";
                    Task<MigrationResult> move;
                    using (RemoteTrace.Listen(lines.Enqueue))
                    {
                        move = SaveRestoreMove.MoveAsync(plan, owner, lines.Enqueue, progress =>
                        {
                            // The first progress comes as the save starts: from then on Ctrl+C no longer stops the move.
                            latest = progress;
                            saveRestoreUnderWay ??= note;
                        }, CancellationToken);
                    }
                    var result = Follow(move, lines, destination.ComputerName);
                    result.WaivedChecks = check.WaivedChecks;
                    if (MigrationRecords.Failure(result) is ErrorRecord failure) WriteError(failure);
                    else if (result.Error != null) WriteWarning($"{result.Domain}: {result.Error}");
                    WriteObject(result);
                });
            }
            finally
            {
                saveRestoreUnderWay = null;
            }
        }

        /// <summary>The last progress of the save and restore under way.</summary>
        private volatile MigrationProgress? latest;

        /// <summary>
        /// Waits for the save and restore, writing its lines and progress as they come. After Ctrl+C it still waits, silently, until the
        /// guest runs again somewhere; then it shows the outcome as a warning and stops the pipeline.
        /// </summary>
        private MigrationResult Follow(Task<MigrationResult> move, ConcurrentQueue<string> lines, string destination)
        {
            var stopped = false;
            while (!((IAsyncResult)move).AsyncWaitHandle.WaitOne(250))
            {
                if (stopped) continue;
                try
                {
                    WriteLines(lines);
                    if (latest is MigrationProgress progress)
                    {
                        WriteProgress(new ProgressRecord(1, $"Saving {progress.Domain} and restoring it on {destination}", progress.Status) { PercentComplete = progress.PercentComplete });
                    }
                }
                catch (PipelineStoppedException)
                {
                    stopped = true;
                }
            }
            var result = move.GetAwaiter().GetResult();
            if (stopped)
            {
                Host?.UI?.WriteWarningLine($"{result.Domain}: {result.Status}" + (result.Error is null ? "." : $": {result.Error}"));
                throw new PipelineStoppedException();
            }
            WriteLines(lines);
            WriteProgress(new ProgressRecord(1, $"Saving {result.Domain} and restoring it on {destination}", result.Status.ToString()) { RecordType = ProgressRecordType.Completed });
            return result;
        }

        private static string Typed(string[] words) => string.Join(" ", words.Select(ShellQuote.AsTyped));
    }
}
