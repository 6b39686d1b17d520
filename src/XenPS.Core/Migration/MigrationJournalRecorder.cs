using System.Collections.Concurrent;
using System.Diagnostics;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Migration
{
    /// <summary>A migration whose start line was made: its end line takes the same id, and its duration when it ends without a result.</summary>
    internal sealed class JournalledMigration
    {
        public JournalledMigration(MigrationJournalLine start)
        {
            Start = start;
        }

        public MigrationJournalLine Start { get; }

        public Stopwatch Clock { get; } = Stopwatch.StartNew();
    }

    /// <summary>
    /// Writes the journal lines of one batch's migrations. It never throws: a line that cannot be written gives a warning text for the
    /// batch's event stream, once per batch for each distinct problem. What it writes is chosen field by field, and never holds a
    /// secret: the sessions' passwords, key passphrases and key file paths, and the paths in -SshCommand, are cut out of every
    /// message, and long texts are shortened (a line stays below a few kilobytes).
    /// </summary>
    internal sealed class MigrationJournalRecorder
    {
        internal const int MaxMessage = 1000;
        internal const int MaxReason = 400;
        internal const int MaxName = 512;
        internal const string Redacted = "[secret]";

        private static readonly Lazy<DateTime?> ProcessStart = new Lazy<DateTime?>(() =>
        {
            try
            {
                using var self = Process.GetCurrentProcess();
                return self.StartTime.ToUniversalTime();
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
            {
                return null;
            }
        });

        private readonly ConcurrentDictionary<string, bool> warned = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        public MigrationJournalRecorder(MigrationJournal journal)
        {
            Journal = journal ?? throw new ArgumentNullException(nameof(journal));
        }

        public MigrationJournal Journal { get; }

        /// <summary>Writes the start line of <paramref name="request"/>; the migration to end later (null when not even the line could be made), and a warning or null.</summary>
        public JournalledMigration? Start(MigrationRequest request, out string? warning)
        {
            JournalledMigration? migration = null;
            warning = Write(() =>
            {
                migration = new JournalledMigration(StartLine(Guid.NewGuid(), request, DateTime.UtcNow));
                return migration.Start;
            });
            return migration;
        }

        /// <summary>Writes the end line of a migration that ended with <paramref name="result"/>; a warning or null.</summary>
        public string? Ended(JournalledMigration? migration, MigrationRequest request, MigrationResult result) =>
            migration is null ? null : Write(() => EndLine(migration, request, result, DateTime.UtcNow));

        /// <summary>Writes the end line of a migration that an exception ended; <paramref name="commandStarted"/>: the toolstack's command ran on the source.</summary>
        public string? Failed(JournalledMigration? migration, MigrationRequest request, Exception exception, bool commandStarted) =>
            migration is null ? null : Write(() => FailureLine(migration, request, exception, commandStarted, DateTime.UtcNow));

        /// <summary>Writes the end line of a migration that the caller stopped watching; <paramref name="underWay"/> when its command ran on the source.</summary>
        public string? Stopped(JournalledMigration? migration, MigrationRequest request, StartedMigration? underWay) =>
            migration is null ? null : Write(() => StoppedLine(migration, request, underWay, DateTime.UtcNow));

        internal static MigrationJournalLine StartLine(Guid id, MigrationRequest request, DateTime now)
        {
            var secrets = Secrets(request);
            return new MigrationJournalLine
            {
                Event = MigrationJournalEvent.Start,
                Id = id,
                Time = now,
                User = Environment.UserName,
                Client = Environment.MachineName,
                ProcessId = CurrentProcessId(),
                ProcessStart = ProcessStart.Value,
                Domain = Bound(request.Domain, MaxName),
                DomainUuid = request.DomainUuid,
                Source = Bound(request.Source.ComputerName, MaxName),
                Destination = Bound(request.Destination.ComputerName, MaxName),
                Toolstack = request.Source.Toolstack,
                Live = request.Live,
                Target = Target(request.Target, secrets),
            };
        }

        internal static MigrationJournalLine EndLine(JournalledMigration migration, MigrationRequest request, MigrationResult result, DateTime now)
        {
            var line = End(migration, request, now);
            line.Status = result.Status switch
            {
                MigrationStatus.Succeeded => MigrationHistoryStatus.Succeeded,
                MigrationStatus.Failed => MigrationHistoryStatus.Failed,
                _ => MigrationHistoryStatus.Unknown,
            };
            line.Message = result.Error is null ? null : Scrub(result.Error, Secrets(request), MaxMessage);
            line.Duration = result.Duration;
            line.Location = result.DomainLocation;
            line.GuestDowntime = result.GuestDowntime;
            line.Target = Target(result.MigrationTarget ?? request.Target, Secrets(request));
            return line;
        }

        internal static MigrationJournalLine FailureLine(JournalledMigration migration, MigrationRequest request, Exception exception, bool commandStarted, DateTime now)
        {
            var line = End(migration, request, now);
            line.Status = commandStarted ? MigrationHistoryStatus.Unknown : MigrationHistoryStatus.Failed;
            line.Message = Scrub(exception.Message, Secrets(request), MaxMessage);
            line.ErrorId = exception switch
            {
                XenSessionException xen => xen.ErrorId.Name,
                ArgumentException => XenSessionErrorId.InvalidArgument.Name,
                XenParseException => XenSessionErrorId.UnreadableData.Name,
                _ => exception.GetType().Name,
            };
            return line;
        }

        internal static MigrationJournalLine StoppedLine(JournalledMigration migration, MigrationRequest request, StartedMigration? underWay, DateTime now)
        {
            var line = End(migration, request, now);
            line.Status = MigrationHistoryStatus.Stopped;
            line.Message = Scrub(underWay?.StoppedWatching()
                ?? $"XenPS was stopped (Ctrl+C or Stop-Job) before the migration command was seen to run on {request.Source.ComputerName}.", Secrets(request), MaxMessage);
            return line;
        }

        /// <summary>The end line's common part: the start's id, names, and what the migration learnt meanwhile; the duration since the start.</summary>
        private static MigrationJournalLine End(JournalledMigration migration, MigrationRequest request, DateTime now) => new MigrationJournalLine
        {
            Event = MigrationJournalEvent.End,
            Id = migration.Start.Id,
            Time = now,
            Domain = migration.Start.Domain,
            Source = migration.Start.Source,
            Destination = migration.Start.Destination,
            DomainUuid = request.DomainUuid ?? migration.Start.DomainUuid,
            Target = Target(request.Target, Secrets(request)),
            Duration = migration.Clock.Elapsed,
        };

        /// <summary>Makes and appends one line; null when written, or when this batch has already warned of the same problem.</summary>
        private string? Write(Func<MigrationJournalLine> make)
        {
            string? problem;
            try
            {
                problem = Journal.TryAppend(make().ToJson());
            }
            catch (Exception e)
            {
                problem = "its line could not be made (" + e.Message.TrimEnd('.') + ")";
            }
            if (problem is null || !warned.TryAdd(problem, true)) return null;
            return $"The migration journal {Journal.Path} could not be written: {problem}. The migrations whose lines are missing will be missing from " +
                "Get-XenMigrationHistory, or show there without their end; the migrations themselves go on.";
        }

        private static int CurrentProcessId()
        {
            using var self = Process.GetCurrentProcess();
            return self.Id;
        }

        private static MigrationTarget? Target(MigrationTarget? target, IReadOnlyList<string> secrets) => target is null ? null : new MigrationTarget
        {
            Host = Bound(target.Host, MaxName),
            Address = Bound(target.Address, MaxName),
            Port = target.Port,
            Toolstack = target.Toolstack,
            Origin = target.Origin,
            Reason = Scrub(target.Reason, secrets, MaxReason),
        };

        /// <summary>
        /// What a line must not hold: the passwords, key passphrases and key file paths of both sessions (and their jump hosts), and the
        /// words of -SshCommand that name a file (xl's <c>ssh -i KEY</c>), longest first.
        /// </summary>
        internal static IReadOnlyList<string> Secrets(MigrationRequest request)
        {
            var sshCommandFiles = (request.SshCommand ?? "").Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries)
                .Where(w => w.IndexOf('/') >= 0 || w.IndexOf('\\') >= 0)
                .Select(w => w.Trim('\'', '"'));
            return request.Source.Secrets.Concat(request.Destination.Secrets).Concat(sshCommandFiles)
                .Where(s => s.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length)
                .ToList();
        }

        /// <summary><paramref name="text"/> with every secret replaced, then bounded to <paramref name="max"/> characters.</summary>
        internal static string Scrub(string text, IReadOnlyList<string> secrets, int max)
        {
            foreach (var secret in secrets)
            {
                if (text.IndexOf(secret, StringComparison.Ordinal) >= 0) text = text.Replace(secret, Redacted);
            }
            return Bound(text, max);
        }

        /// <summary>
        /// <paramref name="text"/> cut to about <paramref name="max"/> characters: its beginning and its end (where a message says what to do
        /// next), with how much was left out between them; never splitting a surrogate pair.
        /// </summary>
        internal static string Bound(string text, int max)
        {
            if (text.Length <= max) return text;
            var tail = max / 3;
            var head = max - tail - 48;
            if (char.IsHighSurrogate(text[head - 1])) head--;
            var from = text.Length - tail;
            if (char.IsLowSurrogate(text[from])) from++;
            return text.Substring(0, head) + $" [... {(from - head).ToString(CultureInfo.InvariantCulture)} characters left out ...] " + text.Substring(from);
        }
    }
}
