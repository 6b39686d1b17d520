using XenPS.Core.Text;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// A migration whose toolstack command runs detached on the source: it goes on there whatever becomes of the caller,
    /// so whoever stops watching it must be told how to follow it.
    /// </summary>
    public sealed class StartedMigration
    {
        public StartedMigration(string domain, string source, string destination, string command, string logPath)
        {
            Domain = domain;
            Source = source;
            Destination = destination;
            Command = command;
            LogPath = logPath;
        }

        public string Domain { get; }

        /// <summary>The source dom0 as the caller names it.</summary>
        public string Source { get; }

        /// <summary>The destination dom0 as the caller names it.</summary>
        public string Destination { get; }

        /// <summary>The toolstack's command, e.g. "xm migrate".</summary>
        public string Command { get; }

        /// <summary>The job's output file on the source.</summary>
        public string LogPath { get; }

        /// <summary>One line for a caller who stops watching (Ctrl+C, Stop-Job): the migration goes on, and how to follow it.</summary>
        public string StoppedWatching() =>
            $"{VisibleText.Shorten(Domain)}: XenPS stopped watching, but {Command} goes on on {Source}. " + FollowUp(Domain, Source, Destination, LogPath);

        /// <summary>How to follow a migration that goes on on the source without XenPS watching it.</summary>
        public static string FollowUp(string domain, string source, string destination, string logPath) =>
            $"Follow it with 'Get-XenDomain -ComputerName {source}, {destination} -Name {domain}' until {domain} runs on {destination} only, " +
            $"or read its output with 'cat {logPath}' on {source}; do not start {domain} anywhere or destroy a copy of it meanwhile.";
    }

    /// <summary>The migrations one call has started and not yet seen end; safe to use from every thread.</summary>
    public sealed class StartedMigrations
    {
        private readonly object gate = new object();
        private readonly List<StartedMigration> running = new List<StartedMigration>();

        public void Add(StartedMigration migration)
        {
            lock (gate) running.Add(migration);
        }

        public void Remove(StartedMigration migration)
        {
            lock (gate) running.Remove(migration);
        }

        /// <summary>The lines to show when the caller stops watching, one per migration still under way.</summary>
        public IReadOnlyList<string> StoppedWatching()
        {
            lock (gate) return running.Select(m => m.StoppedWatching()).ToList();
        }
    }
}
