namespace XenPS.Core.Migration
{
    /// <summary>
    /// The wait between two polls of a running migration: a few times as long as the last poll took, within bounds. A poll
    /// runs commands on the source dom0, which is busy sending the guest's memory: on a fast dom0 a poll takes milliseconds
    /// and the migration is followed every quarter second, on a slow or loaded one the polls back off instead of taking
    /// the CPU the migration needs.
    /// </summary>
    public static class PollPacer
    {
        /// <summary>The shortest wait.</summary>
        public static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(250);

        /// <summary>The longest wait: the end of a migration is seen at most this late.</summary>
        public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(3);

        /// <summary>How many times the last poll's own duration the wait lasts: the polls take at most about a fifth of the time.</summary>
        public const int Factor = 4;

        /// <summary>The wait before the next poll, after a poll that took <paramref name="lastPoll"/>.</summary>
        public static TimeSpan Next(TimeSpan lastPoll)
        {
            var wait = TimeSpan.FromTicks(Math.Max(0, lastPoll.Ticks) * Factor);
            if (wait < Minimum) return Minimum;
            return wait > Maximum ? Maximum : wait;
        }
    }
}
