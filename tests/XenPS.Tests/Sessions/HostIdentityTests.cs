using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    /// <summary>When two sessions reach one dom0: the rule that refuses a migration to the source itself.</summary>
    public sealed class HostIdentityTests
    {
        [Fact]
        public void OneHostNamedTwoWaysIsKnownByItsHostKey()
        {
            var byAlias = new HostIdentity("dom0-a.lab", 22, "SHA256:aaaa");
            var byAddress = new HostIdentity("10.0.0.1", 22, "SHA256:aaaa");

            Assert.True(byAlias.IsSameHostAs(byAddress));
            Assert.Equal("both show the SSH host key SHA256:aaaa", byAlias.Why(byAddress));
        }

        [Fact]
        public void TheSameAddressAndPortIsOneHostWhateverTheKeyKnown()
        {
            Assert.True(new HostIdentity("DOM0-A", 22, "").IsSameHostAs(new HostIdentity("dom0-a", 22, "SHA256:aaaa")));
        }

        [Fact]
        public void TwoHostsWithTheirOwnKeysAreTwoHostsEvenBehindOneAddress()
        {
            var a = new HostIdentity("127.0.0.1", 2201, "SHA256:aaaa");
            var b = new HostIdentity("127.0.0.1", 2202, "SHA256:bbbb");

            Assert.False(a.IsSameHostAs(b));
            Assert.False(new HostIdentity("a", 22, "").IsSameHostAs(new HostIdentity("b", 22, "")));
        }
    }
}
