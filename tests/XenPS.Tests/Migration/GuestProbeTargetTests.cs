using System;
using XenPS.Core.Migration;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class GuestProbeTargetTests
    {
        [Theory]
        [InlineData("com-xp1:3389", "com-xp1", 3389, "com-xp1:3389")]
        [InlineData("guest.example.org:22", "guest.example.org", 22, "guest.example.org:22")]
        [InlineData("198.18.0.100:3389", "198.18.0.100", 3389, "198.18.0.100:3389")]
        [InlineData("[2001:db8::5]:65535", "2001:db8::5", 65535, "[2001:db8::5]:65535")]
        [InlineData("a:1", "a", 1, "a:1")]
        public void ReadsHostAndPort(string text, string host, int port, string shown)
        {
            var target = GuestProbeTarget.Parse(text);
            Assert.Equal(host, target.Host);
            Assert.Equal(port, target.Port);
            Assert.Equal(shown, target.ToString());
        }

        [Theory]
        [InlineData("com-xp1", "no port")]
        [InlineData("com-xp1:", "no port")]
        [InlineData(":3389", "no port")]
        [InlineData("com-xp1:0", "not a port")]
        [InlineData("com-xp1:65536", "not a port")]
        [InlineData("com-xp1:+3389", "not a port")]
        [InlineData("com-xp1:33 89", "not a port")]
        [InlineData("2001:db8::5:22", "in brackets")]
        [InlineData("[not-v6]:22", "not an IPv6 address")]
        [InlineData("[fe80::1%eth0]:22", "not an IPv6 address")]
        [InlineData("198.18.0.300:22", "not an IPv4 address")]
        [InlineData("198.18.0:22", "not an IPv4 address")]
        [InlineData("$(reboot):22", "not a host name")]
        [InlineData("a;reboot:22", "not a host name")]
        [InlineData("-oProxyCommand=x:22", "not a host name")]
        [InlineData("guest name:22", "not a host name")]
        [InlineData("guest`id`:22", "not a host name")]
        [InlineData("guest\n:22", "not a host name")]
        [InlineData("bad-.example:22", "not a host name")]
        public void RefusesAnythingElseSayingWhatToWrite(string text, string why)
        {
            var error = Assert.Throws<FormatException>(() => GuestProbeTarget.Parse(text));
            Assert.Contains(why, error.Message);
            Assert.Contains("e.g. 'com-xp1:3389'", error.Message);
        }
    }
}
