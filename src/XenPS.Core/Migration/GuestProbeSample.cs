namespace XenPS.Core.Migration
{
    /// <summary>One connection attempt of the guest probe: when it started and ended on the prober's clock, and whether the guest answered.</summary>
    public readonly record struct GuestProbeSample(TimeSpan Start, TimeSpan End, bool Answered);

    /// <summary>When the guest probe's loop waits and when it ends; the client's loop and the dom0's script (guest-probe.sh) follow the same rules.</summary>
    public sealed record GuestProbeSchedule(TimeSpan Interval, TimeSpan Grace)
    {
        /// <summary>The wait before the next attempt: attempts start one interval apart, or at once after an attempt that took longer.</summary>
        public TimeSpan Delay(GuestProbeSample last, TimeSpan now)
        {
            var wait = last.Start + Interval - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        /// <summary>
        /// The loop ends once it was asked to stop (at <paramref name="stopRequested"/>) and the guest answered again, or the grace
        /// time after the request passed without an answer; it never ends before it was asked to.
        /// </summary>
        public bool IsDone(GuestProbeSample last, TimeSpan? stopRequested, TimeSpan now) =>
            stopRequested is TimeSpan stop && (last.Answered || now - stop >= Grace);
    }
}
