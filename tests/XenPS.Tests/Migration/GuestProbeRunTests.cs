using System;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class GuestProbeRunTests
    {
        private static MigrationResult Result(string? error = null) =>
            new MigrationResult { Domain = "com-xp1", Destination = "dom0-b", Status = MigrationStatus.Succeeded, Error = error };

        [Fact]
        public void AGuestThatAnswersAfterLeavesTheMessageAlone()
        {
            var result = Result();
            GuestProbeRun.Apply(result, new GuestProbeReport { Attempts = 40, AnsweredBefore = true, Downtime = TimeSpan.FromSeconds(1.5), Resolution = TimeSpan.FromSeconds(0.5), AnswersAfter = true },
                "com-xp1:3389 from this computer", TimeSpan.FromSeconds(30));
            Assert.Equal("com-xp1:3389 from this computer", result.GuestProbe);
            Assert.Equal(TimeSpan.FromSeconds(1.5), result.GuestDowntime);
            Assert.Equal(TimeSpan.FromSeconds(0.5), result.GuestDowntimeResolution);
            Assert.True(result.GuestAnswersAfter);
            Assert.Null(result.Error);
        }

        [Fact]
        public void AGuestThatDoesNotComeBackIsNamedInTheMessage()
        {
            var result = Result("earlier text.");
            GuestProbeRun.Apply(result, new GuestProbeReport { Attempts = 90, AnsweredBefore = true, Downtime = TimeSpan.FromSeconds(31.96), Resolution = TimeSpan.FromSeconds(0.5), AnswersAfter = false },
                "com-xp1:3389 from dom0-a", TimeSpan.FromSeconds(30));
            Assert.False(result.GuestAnswersAfter);
            Assert.Equal("earlier text. The guest did not answer the guest probe com-xp1:3389 from dom0-a after the migration: it had not answered for 32.0 s " +
                "when the probe gave up, 30 s after the migration ended. Check the guest's console and its network on dom0-b.", result.Error);
        }

        [Fact]
        public void AGuestThatNeverAnsweredAndAProbeThatCouldNotRunAreSaidSo()
        {
            var never = Result();
            GuestProbeRun.Apply(never, new GuestProbeReport { Attempts = 3, AnswersAfter = false }, "x:1 from this computer", TimeSpan.FromSeconds(30));
            Assert.Equal("The guest never answered the guest probe x:1 from this computer, before or after the migration.", never.Error);
            var broken = Result();
            GuestProbeRun.Apply(broken, new GuestProbeReport(), "x:1 from dom0-a", TimeSpan.FromSeconds(30));
            Assert.Null(broken.GuestAnswersAfter);
            Assert.Equal("The guest probe x:1 from dom0-a could not be run: see the verbose output.", broken.Error);
        }
    }
}
