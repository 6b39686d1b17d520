using XenPS.Completers;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Text;

namespace XenPS.Commands
{
    /// <summary>
    /// Reads the journal of the migrations that Move-XenDomain started on this computer: one object per migration, its start and
    /// end joined, newest first. Reads only the local file; contacts no host.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "XenMigrationHistory")]
    [OutputType(typeof(MigrationHistoryEntry))]
    public sealed class GetXenMigrationHistoryCommand : XenCmdlet
    {
        /// <summary>Domain names; wildcards allowed. Every domain when omitted.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [Alias("Domain")]
        public string[]? Name { get; set; }

        /// <summary>Hosts, as they were named to Move-XenDomain; a migration matches when its source or its destination does. Wildcards allowed.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ComputerNameCompleter))]
        public string[]? ComputerName { get; set; }

        /// <summary>Only migrations started at or after this time.</summary>
        [Parameter]
        public DateTime After { get; set; }

        /// <summary>Only migrations started before this time.</summary>
        [Parameter]
        public DateTime Before { get; set; }

        /// <summary>Only migrations of these statuses.</summary>
        /// <remarks>Strings, not XenPS.Core's enum: the module's parameters are read before XenPS.Core is loaded.</remarks>
        [Parameter]
        [ValidateSet("Succeeded", "Failed", "Unknown", "Stopped", "Running")]
        public string[]? Status { get; set; }

        /// <summary>Only the newest N migrations (after the other filters).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Last { get; set; }

        /// <summary>Another journal file to read, e.g. one copied from another computer; by default the current user's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            ValidateWildcards(Name, nameof(Name));
            ValidateWildcards(ComputerName, nameof(ComputerName));
            if (Read() is not MigrationHistory history) return;
            var shown = Select(history.Entries);
            if (Last > 0) shown = shown.Take(Last);
            foreach (var entry in shown) WriteObject(entry);
        }

        /// <summary>The journal read back, its skipped lines written as warnings; null once an error or a verbose line says why there is none.</summary>
        private MigrationHistory? Read()
        {
            string path;
            try
            {
                path = Path is null ? MigrationJournal.DefaultPath : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            }
            catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException or ProviderInvocationException)
            {
                WriteError(NewErrorRecord(new ArgumentException($"-Path '{VisibleText.Escape(Path)}' is not a file system path: {e.Message}", nameof(Path), e),
                    XenSessionErrorId.JournalNotFound, Path));
                return null;
            }
            if (path.Length == 0)
            {
                WriteError(NewErrorRecord(new InvalidOperationException(
                    "The system gives this user no local data folder, so there is no migration journal (on Linux, set HOME or XDG_DATA_HOME to an absolute path)."),
                    XenSessionErrorId.JournalNotFound, null));
                return null;
            }
            if (!File.Exists(path))
            {
                if (Path is null)
                {
                    WriteVerbose($"No migration is recorded for this user yet: {path} does not exist.");
                }
                else
                {
                    WriteError(NewErrorRecord(new FileNotFoundException($"There is no migration journal at {path}.", path), XenSessionErrorId.JournalNotFound, path));
                }
                return null;
            }
            MigrationHistory history;
            try
            {
                WriteVerbose($"Reading {path}.");
                history = new MigrationJournal(path).Read();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                WriteError(NewErrorRecord(new IOException($"The migration journal {path} cannot be read: {e.Message}", e), XenSessionErrorId.JournalUnreadable, path));
                return null;
            }
            foreach (var problem in history.Problems)
            {
                WriteWarning($"{path}, line {problem.LineNumber}: skipped, because {VisibleText.Escape(problem.Reason)}.");
            }
            return history;
        }

        /// <summary>The entries that pass -Name, -ComputerName, -After, -Before and -Status, newest first.</summary>
        private IEnumerable<MigrationHistoryEntry> Select(IEnumerable<MigrationHistoryEntry> entries)
        {
            var names = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            var hosts = ComputerName?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
            var after = MyInvocation.BoundParameters.ContainsKey(nameof(After)) ? Local(After) : (DateTime?)null;
            var before = MyInvocation.BoundParameters.ContainsKey(nameof(Before)) ? Local(Before) : (DateTime?)null;
            var statuses = Status?.Select(s => (MigrationHistoryStatus)Enum.Parse(typeof(MigrationHistoryStatus), s, true)).ToList();
            return entries.Where(e =>
                (names is null || names.Any(p => p.IsMatch(e.Domain))) &&
                (hosts is null || hosts.Any(p => p.IsMatch(e.Source) || p.IsMatch(e.Destination))) &&
                (after is null || e.StartTime >= after) &&
                (before is null || e.StartTime < before) &&
                (statuses is null || statuses.Contains(e.Status)));
        }

        /// <summary>A time given as UTC compared in local time, as the entries' times are; an unspecified one is taken as local.</summary>
        private static DateTime Local(DateTime time) => time.Kind == DateTimeKind.Utc ? time.ToLocalTime() : DateTime.SpecifyKind(time, DateTimeKind.Local);
    }
}
