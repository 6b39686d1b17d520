namespace XenPS.Core.Model
{
    /// <summary>Outcome of one readiness check.</summary>
    public enum ReadinessStatus
    {
        /// <summary>The condition holds.</summary>
        Pass,

        /// <summary>The migration can go ahead, but something deserves a look (the detail says what).</summary>
        Warning,

        /// <summary>The migration would fail or do harm, or the check could not be run (the detail says why).</summary>
        Fail,

        /// <summary>The check does not apply to this migration (another toolstack, no disks, not requested).</summary>
        Skipped,
    }
}
