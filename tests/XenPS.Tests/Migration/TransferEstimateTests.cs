using System;
using XenPS.Core.Migration;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class TransferEstimateTests
    {
        private const long MiB = 1024 * 1024;

        [Theory]
        [InlineData(1536, 6, 480, 31, "6 s: 480 MiB sent at 80.0 MiB/s of 1536 MiB of memory, about 13 s left")]
        [InlineData(512, 8, 600, 99, "8 s: 600 MiB sent at 75.0 MiB/s, the memory and now the pages the guest dirtied meanwhile")]
        public void FollowsTheBytesSentAgainstTheMemoryAndStaysBelowTheEnd(long memoryMB, int seconds, long sentMiB, int percent, string status)
        {
            var estimate = new TransferEstimate(memoryMB, null);

            estimate.Observe(TimeSpan.FromSeconds(seconds), sentMiB * MiB);

            Assert.Equal(percent, estimate.PercentAt(TimeSpan.FromSeconds(seconds)));
            Assert.Equal(status, estimate.Describe(TimeSpan.FromSeconds(seconds)));
        }

        [Fact]
        public void FallsBackToTheMeasuredDurationAndThenToTheTimeAlone()
        {
            var measured = new TransferEstimate(1536, TimeSpan.FromSeconds(20));
            var unknown = new TransferEstimate(1536, null);

            measured.Observe(TimeSpan.FromSeconds(5), null);
            unknown.Observe(TimeSpan.FromSeconds(5), -4096);

            Assert.Equal(25, measured.PercentAt(TimeSpan.FromSeconds(5)));
            Assert.Equal("5 s of about 20 s (measured bandwidth)", measured.Describe(TimeSpan.FromSeconds(5)));
            Assert.Equal(-1, unknown.PercentAt(TimeSpan.FromSeconds(5)));
            Assert.Equal("5 s", unknown.Describe(TimeSpan.FromSeconds(5)));
        }
    }
}
