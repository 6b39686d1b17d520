using XenPS.Core.Text;
using XenPS.Core.Model;

namespace XenPS.Core.Migration
{
    /// <summary>What a <see cref="MigrationBatch"/> reports about one of its migrations; <see cref="Accept"/> hands it to the matching method of a handler.</summary>
    /// <param name="Index">The migration's place in the batch, from 0: it tells apart two migrations of one name from different sources.</param>
    /// <param name="Domain">The domain as it was asked for.</param>
    public abstract record MigrationEvent(int Index, string Domain)
    {
        /// <summary>Calls the method of <paramref name="handler"/> for this kind of event.</summary>
        public abstract void Accept(IMigrationEventHandler handler);
    }

    /// <summary>Takes a batch's events, one method per kind.</summary>
    public interface IMigrationEventHandler
    {
        void OnProgress(MigrationProgressEvent progress);

        void OnLog(MigrationLogEvent log);

        void OnError(MigrationErrorEvent error);

        void OnResult(MigrationResultEvent result);

        void OnWarning(MigrationWarningEvent warning);
    }

    /// <summary>How far a migration is; <paramref name="Completed"/> marks its last progress event, whether it ended with a result or an error.</summary>
    public sealed record MigrationProgressEvent(int Index, string Domain, int PercentComplete, string Status, bool Completed = false) : MigrationEvent(Index, Domain)
    {
        public override void Accept(IMigrationEventHandler handler) => handler.OnProgress(this);
    }

    /// <summary>A line of what the migration does or what the toolstack printed.</summary>
    public sealed record MigrationLogEvent(int Index, string Domain, string Line) : MigrationEvent(Index, Domain)
    {
        /// <summary>The line as -Verbose shows it: after the domain's name, so that the lines of parallel migrations can be told apart.</summary>
        public string Text => $"{VisibleText.Shorten(Domain)}: {Line}";

        public override void Accept(IMigrationEventHandler handler) => handler.OnLog(this);
    }

    /// <summary>A migration that ended without a result: it could not start, or it failed in a way that left nothing to verify.</summary>
    public sealed record MigrationErrorEvent(int Index, string Domain, Exception Exception) : MigrationEvent(Index, Domain)
    {
        public override void Accept(IMigrationEventHandler handler) => handler.OnError(this);
    }

    /// <summary>A migration that ran, with its verified outcome (which may be a failure).</summary>
    public sealed record MigrationResultEvent(int Index, string Domain, MigrationResult Result) : MigrationEvent(Index, Domain)
    {
        public override void Accept(IMigrationEventHandler handler) => handler.OnResult(this);
    }

    /// <summary>Something the user should know that does not change the migration's outcome, such as a migration journal that could not be written.</summary>
    public sealed record MigrationWarningEvent(int Index, string Domain, string Message) : MigrationEvent(Index, Domain)
    {
        public override void Accept(IMigrationEventHandler handler) => handler.OnWarning(this);
    }
}
