namespace XenPS.Core.Model
{
    /// <summary>How a migration ended, as far as XenPS could verify it.</summary>
    public enum MigrationStatus
    {
        /// <summary>The toolstack reported success and the domain runs on the destination only.</summary>
        Succeeded,

        /// <summary>The migration did not happen and the guest is intact where it was: it runs on the source as before.</summary>
        Failed,

        /// <summary>
        /// Anything else: the migration is still in progress (a timeout), or the guest is not as it was on the source
        /// (suspended, paused, shut down, crashed, gone, on both hosts) or a host could not be read; <see cref="MigrationResult.Error"/> says what to check.
        /// </summary>
        Unknown,
    }
}
