using XenPS.Core.Text;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// A migration whose toolstack command runs detached on the source: it goes on there whatever becomes of the caller,
    /// so whoever stops watching it must be told how to follow it.
    /// </summary>
    /// <param name="Domain">The domain as it was asked for.</param>
    /// <param name="Source">The source dom0 as the caller names it.</param>
    /// <param name="Destination">The destination dom0 as the caller names it.</param>
    /// <param name="Command">The toolstack's command, e.g. "xm migrate".</param>
    /// <param name="LogPath">The job's output file on the source.</param>
    public sealed record StartedMigration(string Domain, string Source, string Destination, string Command, string LogPath)
    {
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
