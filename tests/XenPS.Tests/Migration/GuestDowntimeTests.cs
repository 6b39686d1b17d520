using System;
using System.Linq;
using XenPS.Core.Migration;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class GuestDowntimeTests
    {
        /// <summary>Samples from a compact notation: each "START+DURATION:y|n" in milliseconds.</summary>
        private static GuestProbeSample[] Samples(string text) => text.Split(' ').Select(word =>
        {
            var parts = word.Split(':');
            var times = parts[0].Split('+').Select(int.Parse).ToArray();
            return new GuestProbeSample(TimeSpan.FromMilliseconds(times[0]), TimeSpan.FromMilliseconds(times[0] + times[1]), parts[1] == "y");
        }).ToArray();

        [Fact]
        public void TheLongestOutageRunsFromTheFirstUnansweredAttemptToTheFirstAnsweredOne()
        {
            var report = GuestDowntime.Measure(Samples("0+5:y 250+200:n 500+5:y 750+200:n 1000+200:n 1250+200:n 1500+5:y 1750+5:y"));
            Assert.Equal(8, report.Attempts);
            Assert.True(report.AnsweredBefore);
            Assert.Equal(TimeSpan.FromMilliseconds(750), report.Downtime);
            Assert.Equal(TimeSpan.FromMilliseconds(250), report.Resolution);
            Assert.True(report.AnswersAfter);
        }

        [Fact]
        public void TheResolutionIsTheWiderSpacingAtTheOutagesEnds()
        {
            var report = GuestDowntime.Measure(Samples("0+5:y 900+500:n 1400+500:n 1900+5:y"));
            Assert.Equal(TimeSpan.FromMilliseconds(1000), report.Downtime);
            Assert.Equal(TimeSpan.FromMilliseconds(900), report.Resolution);
        }

        [Fact]
        public void AGuestThatNeverComesBackIsDownUntilTheLastAttemptEnded()
        {
            var report = GuestDowntime.Measure(Samples("0+5:y 250+5:y 500+200:n 750+200:n 1000+200:n"));
            Assert.Equal(TimeSpan.FromMilliseconds(700), report.Downtime);
            Assert.False(report.AnswersAfter);
        }

        [Fact]
        public void WithoutAnOutageTheDowntimeIsZeroAndTheResolutionTheWidestSpacing()
        {
            var report = GuestDowntime.Measure(Samples("0+5:y 250+5:y 600+5:y 850+5:y"));
            Assert.Equal(TimeSpan.Zero, report.Downtime);
            Assert.Equal(TimeSpan.FromMilliseconds(350), report.Resolution);
            Assert.True(report.AnswersAfter);
        }

        [Fact]
        public void AttemptsBeforeTheFirstAnswerAreNotDowntime()
        {
            var report = GuestDowntime.Measure(Samples("0+200:n 250+200:n 500+5:y 750+5:y"));
            Assert.False(report.AnsweredBefore);
            Assert.Equal(TimeSpan.Zero, report.Downtime);
            Assert.True(report.AnswersAfter);
        }

        [Fact]
        public void AGuestThatNeverAnsweredHasNoDowntime()
        {
            var report = GuestDowntime.Measure(Samples("0+200:n 250+200:n"));
            Assert.Null(report.Downtime);
            Assert.Null(report.Resolution);
            Assert.False(report.AnswersAfter);
        }

        [Fact]
        public void NoAttemptsGiveNoFindings()
        {
            var report = GuestDowntime.Measure(Array.Empty<GuestProbeSample>());
            Assert.Equal(0, report.Attempts);
            Assert.Null(report.Downtime);
            Assert.Null(report.AnswersAfter);
        }
    }

    public class GuestProbeScheduleTests
    {
        private static readonly GuestProbeSchedule Schedule = new GuestProbeSchedule(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));

        [Theory]
        [InlineData(1000, 1005, 245)]
        [InlineData(1000, 1250, 0)]
        [InlineData(1000, 1700, 0)]
        public void AttemptsStartOneIntervalApartOrAtOnceAfterASlowOne(int startMs, int nowMs, int waitMs)
        {
            var last = new GuestProbeSample(TimeSpan.FromMilliseconds(startMs), TimeSpan.FromMilliseconds(nowMs), true);
            Assert.Equal(TimeSpan.FromMilliseconds(waitMs), Schedule.Delay(last, TimeSpan.FromMilliseconds(nowMs)));
        }

        [Theory]
        [InlineData(true, null, 5000, false)]
        [InlineData(false, null, 500000, false)]
        [InlineData(true, 1000, 1200, true)]
        [InlineData(false, 1000, 30999, false)]
        [InlineData(false, 1000, 31000, true)]
        public void EndsOnlyWhenAskedAndTheGuestAnswersOrTheGraceTimePassed(bool answered, int? stopMs, int nowMs, bool done)
        {
            var last = new GuestProbeSample(TimeSpan.FromMilliseconds(nowMs - 1), TimeSpan.FromMilliseconds(nowMs), answered);
            var stop = stopMs is int ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
            Assert.Equal(done, Schedule.IsDone(last, stop, TimeSpan.FromMilliseconds(nowMs)));
        }
    }
}
