using System.Collections.Concurrent;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;

namespace XenPS.Commands
{
    /// <summary>Move-XenDomain -ConfigFile: the cold move of a halted guest (XenPS.Core's ColdMove and ColdMoveReadiness).</summary>
    public sealed partial class MoveXenDomainCommand
    {
        /// <summary>Checks, confirms and moves the one guest named, by <paramref name="configFile"/>.</summary>
        private void MoveCold(string configFile)
        {
            var names = Targets.SelectMany(t => t.Names).ToList();
            var conflicting = AsJob || GuestProbe != null || RemoveLeftover || !Live;
            if (conflicting || names.Count != 1 || Destinations.Count != 1)
            {
                var why = conflicting
                    ? "-ConfigFile moves a halted guest, so -AsJob, -GuestProbe, -RemoveLeftover and -Live do not apply; leave them out."
                    : "-ConfigFile is one guest's file: give one domain name and one -Destination.";
                ThrowTerminatingError(NewErrorRecord(new ArgumentException(why), XenSessionErrorId.InvalidArgument, configFile));
            }
            if (OpenDestinations() is not IReadOnlyList<XenSession> destinations) return;
            var destination = destinations[0];
            var name = names[0];
            var lines = new ConcurrentQueue<string>();
            try
            {
                var source = Wait(() => SessionForAsync(Targets[0], CancellationToken));
                WriteSessionNotes();
                var check = Wait(() => ColdMoveReadiness.CheckAsync(source, destination, name, configFile, Start, SkipReadinessCheck, SkipCheck, WhatIfMode, lines.Enqueue, CancellationToken));
                WriteLines(lines);
                if (check.Problem(destination.ComputerName) is string problem)
                {
                    WriteError(NewErrorRecord(new InvalidOperationException(problem), XenSessionErrorId.ReadinessCheckFailed, name));
                    return;
                }
                var start = Start ? $", then start it there ('{string.Join(" ", destination.Toolstack.Implementation().CreateFromConfig(configFile).Select(ShellQuote.AsTyped))}')" : "";
                var action = $"Copy {configFile} to {destination.ComputerName}, check the copy, and rename it on {source.ComputerName} to {DomainConfigPath.MovedName(configFile, destination.ComputerName)}{start}{NotRun(check.Checks)}";
                if (!ShouldProcess($"{name} on {source.ComputerName}", action)) return;
                var result = Wait(() => ColdMove.MoveAsync(check.Source, destination, Start, lines.Enqueue, CancellationToken));
                result.WaivedChecks = check.WaivedChecks;
                WriteLines(lines);
                if (MigrationRecords.Failure(result) is ErrorRecord failure) WriteError(failure);
                WriteObject(result);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (e is XenSessionException || e is Core.Parsing.XenParseException)
            {
                WriteLines(lines);
                WriteError(ToErrorRecord(e, name));
            }
        }

        private void WriteLines(ConcurrentQueue<string> lines)
        {
            while (lines.TryDequeue(out var line)) WriteVerbose(line);
        }
    }
}
