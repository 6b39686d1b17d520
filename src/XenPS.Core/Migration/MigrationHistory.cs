using System.Diagnostics;
using XenPS.Core.Model;
using XenPS.Core.Text;

namespace XenPS.Core.Migration
{
    /// <summary>A line of the journal that was skipped, and why (a writer killed mid-line leaves one).</summary>
    /// <param name="LineNumber">From 1.</param>
    /// <param name="Reason">What is wrong with it, as the end of a sentence.</param>
    public sealed record MigrationJournalProblem(int LineNumber, string Reason);

    /// <summary>The journal read back: one entry per migration, newest first, with the lines that could not be read.</summary>
    public sealed class MigrationHistory
    {
        private MigrationHistory(IReadOnlyList<MigrationHistoryEntry> entries, IReadOnlyList<MigrationJournalProblem> problems)
        {
            Entries = entries;
            Problems = problems;
        }

        /// <summary>Newest first: by start time, and in the order of the file among equal times.</summary>
        public IReadOnlyList<MigrationHistoryEntry> Entries { get; }

        /// <summary>The lines skipped, in the order of the file.</summary>
        public IReadOnlyList<MigrationJournalProblem> Problems { get; }

        /// <summary>
        /// Joins the start and end lines of each migration by id. <paramref name="processStillRuns"/> tells, for a migration without an
        /// end line, whether the process that started it still runs (client, process id, its start time in UTC): true, false, or null
        /// when that cannot be told from here.
        /// </summary>
        internal static MigrationHistory Join(string path, IReadOnlyList<string> lines, Func<string?, int, DateTime?, bool?> processStillRuns)
        {
            var problems = new List<MigrationJournalProblem>();
            var starts = new Dictionary<Guid, (MigrationJournalLine Line, int Index)>();
            var ends = new Dictionary<Guid, (MigrationJournalLine Line, int Index)>();
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].Trim().Length == 0) continue;
                var line = MigrationJournalLine.Parse(lines[i], out var problem);
                if (line is null)
                {
                    problems.Add(new MigrationJournalProblem(i + 1, problem ?? "it cannot be read"));
                    continue;
                }
                var seen = line.Event == MigrationJournalEvent.Start ? starts : ends;
                if (seen.ContainsKey(line.Id))
                {
                    problems.Add(new MigrationJournalProblem(i + 1, $"it is a second {(line.Event == MigrationJournalEvent.Start ? "start" : "end")} line of migration {line.Id}"));
                    continue;
                }
                seen[line.Id] = (line, i);
            }
            var entries = new List<(MigrationHistoryEntry Entry, int Index)>();
            foreach (var pair in starts)
            {
                ends.TryGetValue(pair.Key, out var end);
                entries.Add((Entry(path, pair.Value.Line, end.Line, processStillRuns), pair.Value.Index));
            }
            foreach (var pair in ends.Where(e => !starts.ContainsKey(e.Key)))
            {
                entries.Add((Entry(path, null, pair.Value.Line, processStillRuns), pair.Value.Index));
            }
            var newestFirst = entries.OrderByDescending(e => e.Entry.StartTime).ThenByDescending(e => e.Index).Select(e => e.Entry).ToList();
            return new MigrationHistory(newestFirst, problems);
        }

        /// <summary>
        /// Whether the process that wrote a start line still runs: null when it ran on another computer or this one cannot tell;
        /// otherwise true when a process of that id runs and started when that one did (an id can be reused once it has ended).
        /// </summary>
        public static bool? ProcessStillRuns(string? client, int processId, DateTime? processStartUtc)
        {
            if (client is null || !string.Equals(client, Environment.MachineName, StringComparison.OrdinalIgnoreCase) || processId <= 0) return null;
            try
            {
                using var process = Process.GetProcessById(processId);
                if (processStartUtc is not DateTime expected) return null;
                var started = process.StartTime.ToUniversalTime();
                return Math.Abs((started - expected).TotalSeconds) < 2;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                return null;
            }
        }

        private static MigrationHistoryEntry Entry(string path, MigrationJournalLine? start, MigrationJournalLine? end, Func<string?, int, DateTime?, bool?> processStillRuns)
        {
            var any = start ?? end!;
            var entry = new MigrationHistoryEntry
            {
                Id = any.Id,
                StartTime = (start?.Time ?? end!.Time - (end.Duration ?? TimeSpan.Zero)).ToLocalTime(),
                EndTime = end?.Time.ToLocalTime(),
                StartedBy = start is null ? "" : $"{start.User}@{start.Client}",
                ProcessId = start?.ProcessId ?? 0,
                Domain = any.Domain,
                DomainUuid = end?.DomainUuid ?? start?.DomainUuid,
                Source = any.Source,
                Destination = any.Destination,
                Toolstack = start?.Toolstack,
                Live = start?.Live ?? false,
                MigrationTarget = end?.Target ?? start?.Target,
                JournalPath = path,
            };
            if (entry.MigrationTarget != null && entry.Toolstack is Toolstack toolstack) entry.MigrationTarget.Toolstack = toolstack;
            if (end != null)
            {
                entry.Status = end.Status;
                entry.Message = end.Message;
                entry.ErrorId = end.ErrorId;
                entry.Duration = end.Duration;
                entry.DomainLocation = end.Location;
                entry.GuestDowntime = end.GuestDowntime;
                return entry;
            }
            var who = $"process {start!.ProcessId} on {start.Client}, which started it,";
            var check = $"The migration may have gone on on {start.Source}: run 'Get-XenDomain -ComputerName {start.Source}, {start.Destination} -Name {VisibleText.Shorten(start.Domain)}' to see where it runs.";
            switch (processStillRuns(start.Client, start.ProcessId, start.ProcessStart))
            {
                case true:
                    entry.Status = MigrationHistoryStatus.Running;
                    entry.Message = $"No end is recorded yet: {who} still runs.";
                    break;
                case false:
                    entry.Status = MigrationHistoryStatus.Unknown;
                    entry.Message = $"No end was recorded, and {who} has ended: it was closed, killed or crashed while the migration ran. {check}";
                    break;
                default:
                    entry.Status = MigrationHistoryStatus.Unknown;
                    entry.Message = $"No end is recorded, and whether {who} still runs cannot be told from this computer. {check}";
                    break;
            }
            return entry;
        }
    }
}
