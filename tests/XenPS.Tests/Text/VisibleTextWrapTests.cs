using System;
using XenPS.Core.Text;
using Xunit;

namespace XenPS.Tests.Text
{
    public sealed class VisibleTextWrapTests
    {
        [Fact]
        public void BreaksAtTheLastSpaceThatFits()
        {
            Assert.Equal("dom0-b has 5118\nMiB free", VisibleText.Wrap("dom0-b has 5118 MiB free", 15));
        }

        [Fact]
        public void LeavesAShortTextOnOneLine()
        {
            Assert.Equal("Both hosts use xm.", VisibleText.Wrap("Both hosts use xm.", 18));
        }

        [Fact]
        public void CutsAWordLongerThanALineIntoPieces()
        {
            Assert.Equal("see\n/THECUS_NF\nS/com-xp1.\nimg now", VisibleText.Wrap("see /THECUS_NFS/com-xp1.img now", 10));
        }

        [Fact]
        public void KeepsEveryLineWithinTheWidth()
        {
            var text = "xend-relocation-hosts-allow '^localhost$ ^localhost\\.localdomain$' admits neither dom0-a's address 198.18.103.11 nor its name";
            foreach (var width in new[] { 1, 7, 20, 33, 96 })
            {
                var lines = VisibleText.Wrap(text, width).Split('\n');
                Assert.All(lines, line => Assert.InRange(line.Length, 0, width));
                Assert.Equal(text.Replace(" ", ""), string.Concat(lines).Replace(" ", ""));
            }
        }

        [Fact]
        public void GivesAnEmptyLineForAnEmptyText()
        {
            Assert.Equal("", VisibleText.Wrap("", 10));
        }

        [Fact]
        public void RefusesALineWithoutRoom()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => VisibleText.Wrap("text", 0));
        }
    }
}
