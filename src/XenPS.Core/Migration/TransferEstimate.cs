namespace XenPS.Core.Migration
{
    /// <summary>
    /// How far a migration has come, from what is known of it rather than from an assumed rate: the bytes that the source's
    /// interface towards the migration target has sent since the migration started (the job records its counter at the start, and each poll reads it again), or the
    /// duration the readiness check estimated from a measured transfer. A live migration sends the whole memory once and
    /// then the pages the guest dirtied again, so the memory size is the least it sends: the percentage stops at 99 until the
    /// toolstack ends, and the time left is that of the memory not yet sent at the average rate so far. With several
    /// migrations from one source over one interface at once, the counter holds them all, so each one's share is overstated.
    /// </summary>
    public sealed class TransferEstimate
    {
        private const double MiB = 1024 * 1024;
        private readonly long memoryBytes;
        private readonly TimeSpan? measured;
        private (TimeSpan At, long Sent)? seen;

        /// <summary>An estimate for a guest of <paramref name="memoryMB"/>, with the readiness check's estimated duration when one was measured.</summary>
        public TransferEstimate(long memoryMB, TimeSpan? measuredDuration)
        {
            memoryBytes = Math.Max(1, memoryMB) * (long)MiB;
            measured = measuredDuration;
        }

        /// <summary>
        /// Takes the bytes the interface sent between the migration's start and <paramref name="elapsed"/>; null when the counter
        /// could not be read, and a negative count (an interface reset or replaced meanwhile) tells nothing either.
        /// </summary>
        public void Observe(TimeSpan elapsed, long? sentBytes)
        {
            if (sentBytes is long sent && sent > 0 && elapsed > TimeSpan.Zero) seen = (elapsed, sent);
        }

        private double Rate => seen is { } s ? s.Sent / s.At.TotalSeconds : 0;

        /// <summary>0 to 99 while the migration runs, or -1 when nothing tells how far it has come.</summary>
        public int PercentAt(TimeSpan elapsed)
        {
            if (seen is { } s) return (int)Math.Min(99, 100 * s.Sent / memoryBytes);
            if (measured is TimeSpan duration && duration > TimeSpan.Zero) return (int)Math.Min(99, 100 * elapsed.TotalSeconds / duration.TotalSeconds);
            return -1;
        }

        /// <summary>What the progress bar says: the time so far and, where known, what was sent, at what rate, and the time left.</summary>
        public string Describe(TimeSpan elapsed)
        {
            var so = $"{elapsed.TotalSeconds:0} s";
            if (seen is { } s)
            {
                var rate = $"{s.Sent / MiB:0} MiB sent at {Rate / MiB:0.0} MiB/s";
                return s.Sent < memoryBytes
                    ? $"{so}: {rate} of {memoryBytes / MiB:0} MiB of memory, about {(memoryBytes - s.Sent) / Rate:0} s left"
                    : $"{so}: {rate}, the memory and now the pages the guest dirtied meanwhile";
            }
            if (measured is TimeSpan duration) return $"{so} of about {duration.TotalSeconds:0} s (measured bandwidth)";
            return so;
        }
    }
}
