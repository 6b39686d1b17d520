using System;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Text;
using XenPS.Tests.Sessions;
using Xunit;

namespace XenPS.Tests.HostileInput
{
    /// <summary>A host name, typed or from the ssh config, that is neither a host name nor an address is refused before any connection.</summary>
    public sealed class HostNameCorpusTests : IDisposable
    {
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Theory]
        [MemberData(nameof(HostileInputCorpus.OneLineNames), MemberType = typeof(HostileInputCorpus))]
        public void AHostNameOfTheCorpusInTheSshConfigIsRefused(string name)
        {
            var value = HostileInputCorpus.Value(name);
            var config = _temp.Write("config", "Host evil\n  HostName \"" + value.Replace("\"", "") + "\"\n");

            var e = Assert.ThrowsAny<XenSessionException>(() => ConnectionTarget.Resolve(new SessionOptions { ComputerName = "evil", SshConfigPath = config }));

            Assert.Contains(e.ErrorId, new[] { XenSessionErrorId.HostNameInvalid, XenSessionErrorId.SshConfigInvalid });
            Assert.True(e.Message.Length < 600, e.Message);
            Assert.False(VisibleText.NeedsEscape(e.Message));
        }

        [Theory]
        [MemberData(nameof(HostileInputCorpus.Names), MemberType = typeof(HostileInputCorpus))]
        public void AComputerNameOfTheCorpusIsRefused(string name)
        {
            var value = HostileInputCorpus.Value(name);
            if (value.Trim().Length == 0) return;

            var e = Assert.ThrowsAny<XenSessionException>(() =>
                ConnectionTarget.Resolve(new SessionOptions { ComputerName = value, SshConfigPath = _temp.Write("config", "") }));

            Assert.Equal(XenSessionErrorId.HostNameInvalid, e.ErrorId);
            Assert.Contains("Give a host name, an IP address or an ssh_config alias", e.Message, StringComparison.Ordinal);
            Assert.True(e.Message.Length < 600, e.Message);
            Assert.False(VisibleText.NeedsEscape(e.Message));
        }

        [Fact]
        public void TheHostNameFromTheIssueIsRefusedNamingTheFile()
        {
            var config = _temp.Write("config", "Host xl-b\n  HostName $(touch${IFS}/tmp/PWNED)xl-b\n");

            var e = Assert.Throws<XenSessionException>(() => ConnectionTarget.Resolve(new SessionOptions { ComputerName = "xl-b", SshConfigPath = config }));

            Assert.Equal(XenSessionErrorId.HostNameInvalid, e.ErrorId);
            Assert.Contains("Correct the HostName for it in " + config, e.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("198.18.0.11")]
        [InlineData("2001:db8::1")]
        [InlineData("dom0-b.lab.example")]
        [InlineData("%h.lab.example")]
        public void HostNamesAndAddressesStillConnect(string hostName)
        {
            var config = _temp.Write("config", "Host xl-b\n  HostName " + hostName + "\n");

            Assert.NotNull(ConnectionTarget.Resolve(new SessionOptions { ComputerName = "xl-b", SshConfigPath = config }));
        }
    }
}
