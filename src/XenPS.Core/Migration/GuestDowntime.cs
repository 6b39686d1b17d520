namespace XenPS.Core.Migration
{
    /// <summary>What the guest probe saw through one migration.</summary>
    public sealed class GuestProbeReport
    {
        /// <summary>Connection attempts made.</summary>
        public int Attempts { get; set; }

        /// <summary>The first attempt was answered.</summary>
        public bool AnsweredBefore { get; set; }

        /// <summary>
        /// The longest time the guest did not answer after it first answered: from the first unanswered attempt to the first
        /// answered one after it (to the last attempt when none was answered after it); zero when every attempt was answered;
        /// null when the guest never answered.
        /// </summary>
        public TimeSpan? Downtime { get; set; }

        /// <summary>
        /// How far <see cref="Downtime"/> may be from the real outage: the longer of the two spacings between attempts at its ends
        /// (the outage began after the last answered attempt and ended before the first answered one). Without an outage, the
        /// longest spacing between two attempts: an outage shorter than that can pass between them unseen.
        /// </summary>
        public TimeSpan? Resolution { get; set; }

        /// <summary>The last attempt was answered; null when no attempt was made.</summary>
        public bool? AnswersAfter { get; set; }
    }

    /// <summary>Computes the guest's downtime from the probe's attempts.</summary>
    public static class GuestDowntime
    {
        /// <summary>Measures <paramref name="samples"/>, in the order they were made.</summary>
        public static GuestProbeReport Measure(IReadOnlyList<GuestProbeSample> samples)
        {
            if (samples is null) throw new ArgumentNullException(nameof(samples));
            var report = new GuestProbeReport { Attempts = samples.Count };
            if (samples.Count == 0) return report;
            report.AnsweredBefore = samples[0].Answered;
            report.AnswersAfter = samples[samples.Count - 1].Answered;
            var first = -1;
            for (var i = 0; i < samples.Count && first < 0; i++) if (samples[i].Answered) first = i;
            if (first < 0) return report;
            var longest = TimeSpan.Zero;
            var resolution = TimeSpan.Zero;
            var spacing = TimeSpan.Zero;
            for (var i = first + 1; i < samples.Count; i++)
            {
                var gap = samples[i].Start - samples[i - 1].Start;
                if (gap > spacing) spacing = gap;
                if (samples[i].Answered || !samples[i - 1].Answered) continue;
                var end = i;
                while (end < samples.Count && !samples[end].Answered) end++;
                var back = end < samples.Count;
                var length = back ? samples[end].Start - samples[i].Start : samples[samples.Count - 1].End - samples[i].Start;
                var before = samples[i].Start - samples[i - 1].Start;
                var after = back ? samples[end].Start - samples[end - 1].Start : TimeSpan.Zero;
                if (length > longest)
                {
                    longest = length;
                    resolution = before > after ? before : after;
                }
            }
            report.Downtime = longest;
            report.Resolution = longest > TimeSpan.Zero ? resolution : spacing;
            return report;
        }
    }
}
