using System.Linq;
using XenPS.Core.Model;
using XenPS.Core.Text;
using Xunit;

namespace XenPS.Tests.HostileInput
{
    public sealed class SshCommandLineTests
    {
        [Theory]
        [InlineData("ssh")]
        [InlineData("ssh -p 2222")]
        [InlineData("/usr/bin/ssh -i /root/.ssh/migrate_key -o StrictHostKeyChecking=yes")]
        [InlineData("ssh -oPort=2222 -l root")]
        [InlineData("ssh -o ConnectTimeout=5 -c aes128-gcm@openssh.com")]
        public void AcceptsAProgramAndItsOptions(string command)
        {
            Assert.Null(SshCommandLine.ProblemWith(command));
        }

        [Theory]
        [MemberData(nameof(HostileInputCorpus.Names), MemberType = typeof(HostileInputCorpus))]
        public void BothRulesRefuseEveryValueOfTheCorpusWithAShortVisibleReason(string name)
        {
            var value = HostileInputCorpus.Value(name);

            foreach (var problem in new[] { SshCommandLine.ProblemWith(value), MigrationTarget.ProblemWith(value) })
            {
                Assert.NotNull(problem);
                Assert.True(problem!.Length < 300, problem);
                Assert.False(VisibleText.NeedsEscape(problem));
            }
        }

        [Theory]
        [InlineData("ssh -p 22;touch /tmp/x")]
        [InlineData("ssh -i ~/.ssh/key")]
        [InlineData("ssh  -p 22")]
        [InlineData(" ssh")]
        [InlineData("ssh ")]
        [InlineData("-oProxyCommand=x ssh")]
        [InlineData("PATH=/tmp ssh")]
        [InlineData("ssh -p 2*")]
        [InlineData("ssh -i /root/key\\ 2")]
        public void RefusesWhatTheShellWouldReadAsMoreThanWords(string command)
        {
            Assert.NotNull(SshCommandLine.ProblemWith(command));
        }

        [Fact]
        public void RefusesACommandLongerThanTheLimit()
        {
            var command = "ssh " + string.Join(" ", Enumerable.Repeat("-v", SshCommandLine.MaxLength));

            Assert.Contains("longer than 1024", SshCommandLine.ProblemWith(command));
        }
    }
}
