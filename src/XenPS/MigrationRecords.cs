using XenPS.Core.Migration;

namespace XenPS
{
    /// <summary>The PowerShell records of a migration batch's events, alike for Move-XenDomain and its job.</summary>
    internal static class MigrationRecords
    {
        /// <summary>The progress record of one migration; its activity id is its place in the batch, so that each migration has its own bar.</summary>
        public static ProgressRecord Progress(MigrationProgressEvent progress, string destination)
        {
            var record = new ProgressRecord(progress.Index + 1, $"Migrating {progress.Domain} to {destination}", progress.Status);
            if (progress.Completed) record.RecordType = ProgressRecordType.Completed;
            else record.PercentComplete = progress.PercentComplete;
            return record;
        }

        /// <summary>The error record of a migration that did not succeed: MigrationFailed or MigrationOutcomeUnknown; null for a success.</summary>
        public static ErrorRecord? Failure(MigrationResult result)
        {
            if (result.Status == MigrationStatus.Succeeded) return null;
            var id = result.Status == MigrationStatus.Failed ? XenSessionErrorId.MigrationFailed : XenSessionErrorId.MigrationOutcomeUnknown;
            return XenCmdlet.NewErrorRecord(new InvalidOperationException($"{result.Domain} ({result.Source} -> {result.Destination}): {result.Error}"), id, result.Domain);
        }
    }
}
