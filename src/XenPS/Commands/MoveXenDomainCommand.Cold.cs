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
            if (OneGuest(configFile, AsJob || GuestProbe != null || RemoveLeftover || !Live,
                "-ConfigFile moves a halted guest, so -AsJob, -GuestProbe, -RemoveLeftover and -Live do not apply; leave them out.",
                "-ConfigFile is one guest's file: give one domain name and one -Destination.") is not (XenSession destination, string name)) return;
            var lines = new ConcurrentQueue<string>();
            OneGuestMove(name, lines, () =>
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
            });
        }

        /// <summary>
        /// The one guest and destination of a move of a single guest (-ConfigFile, -SaveTo), after refusing, as a terminating error
        /// about <paramref name="target"/>, options that do not apply (<paramref name="conflicting"/>) or several guests or destinations;
        /// null when the destination cannot be opened (its error is written).
        /// </summary>
        private (XenSession Destination, string Name)? OneGuest(string target, bool conflicting, string conflictText, string oneGuestText)
        {
            var names = Targets.SelectMany(t => t.Names).ToList();
            if (conflicting || names.Count != 1 || Destinations.Count != 1)
            {
                ThrowTerminatingError(NewErrorRecord(new ArgumentException(conflicting ? conflictText : oneGuestText), XenSessionErrorId.InvalidArgument, target));
            }
            return OpenDestinations() is IReadOnlyList<XenSession> destinations ? (destinations[0], names[0]) : null;
        }

        /// <summary>Runs <paramref name="move"/>, writing a Core error as <paramref name="name"/>'s error record after the lines so far; Ctrl+C stops the pipeline.</summary>
        private void OneGuestMove(string name, ConcurrentQueue<string> lines, Action move)
        {
            try
            {
                move();
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
