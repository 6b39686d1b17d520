using System;
using XenPS.Core.Migration;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class PollPacerTests
    {
        [Theory]
        [InlineData(0, 250)]
        [InlineData(5, 250)]
        [InlineData(62, 250)]
        [InlineData(100, 400)]
        [InlineData(500, 2000)]
        [InlineData(750, 3000)]
        [InlineData(20000, 3000)]
        [InlineData(-1, 250)]
        public void WaitsFourTimesTheLastPollWithinAQuarterSecondAndThreeSeconds(int lastPollMs, int expectedMs)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), PollPacer.Next(TimeSpan.FromMilliseconds(lastPollMs)));
        }
    }
}
