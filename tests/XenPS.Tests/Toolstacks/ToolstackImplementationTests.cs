using System;
using XenPS.Core.Model;
using XenPS.Core.Toolstacks;
using Xunit;

namespace XenPS.Tests.Toolstacks
{
    public class ToolstackImplementationTests
    {
        [Fact]
        public void EveryToolstackHasOneImplementationOfItsOwnKind()
        {
            foreach (Toolstack kind in Enum.GetValues(typeof(Toolstack)))
            {
                Assert.Equal(kind, kind.Implementation().Kind);
                Assert.Single(ToolstackImplementations.All, t => t.Kind == kind);
            }
        }

        [Theory]
        [InlineData("4.17.5", null)]
        [InlineData("4.18.0", "xl resume tiny")]
        [InlineData("4.19-rc", "xl resume tiny")]
        [InlineData("", null)]
        public void XlResumesASuspendedGuestFromXen418On(string version, string? expected)
        {
            Assert.Equal(expected, Toolstack.Xl.Implementation().ResumeCommand(version, "tiny", out var why));
            Assert.Contains("4.18", why);
        }

        [Fact]
        public void XmHasNoResumeForAGuestLeftSuspended()
        {
            Assert.Null(Toolstack.Xm.Implementation().ResumeCommand("4.0.1", "tiny", out var why));
            Assert.Contains("xm suspend", why);
        }
    }
}
