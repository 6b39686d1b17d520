using System;
using System.Linq;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public sealed class JumpHostSpecTests : IDisposable
    {
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Theory]
        [InlineData("bastion", null, "bastion", null)]
        [InlineData("root@bastion", "root", "bastion", null)]
        [InlineData("admin@198.18.0.5:2222", "admin", "198.18.0.5", 2222)]
        [InlineData("gw.lab.example.:22", null, "gw.lab.example.", 22)]
        [InlineData("x_y@dom0_a-1", "x_y", "dom0_a-1", null)]
        [InlineData("[2001:db8::1]:2200", null, "2001:db8::1", 2200)]
        [InlineData("root@[::1]", "root", "::1", null)]
        [InlineData("h:65535", null, "h", 65535)]
        public void ReadsUserHostAndPort(string text, string? user, string host, int? port)
        {
            var hop = JumpHostSpec.TryParse(text, out var problem);

            Assert.NotNull(hop);
            Assert.Equal("", problem);
            Assert.Equal(user, hop!.UserName);
            Assert.Equal(host, hop.Host);
            Assert.Equal(port, hop.Port);
            Assert.Equal(text, hop.ToString());
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("root@", "host is missing")]
        [InlineData("@bastion", "'' is not a user name")]
        [InlineData("-x@bastion", "'-x' is not a user name")]
        [InlineData("a b@bastion", "white space")]
        [InlineData("bastion:0", "port '0'")]
        [InlineData("bastion:65536", "port '65536'")]
        [InlineData("bastion:ssh", "port 'ssh'")]
        [InlineData("bastion:", "port ''")]
        [InlineData("2001:db8::1", "in brackets")]
        [InlineData("[2001:db8::1", "no ']'")]
        [InlineData("[bastion]:22", "not an IPv6 address")]
        [InlineData("[::1]22", "not ':PORT'")]
        [InlineData("bas/tion", "neither a host name")]
        [InlineData("-bastion", "neither a host name")]
        public void RefusesWhatIsNotUserHostPort(string text, string expected)
        {
            Assert.Null(JumpHostSpec.TryParse(text, out var problem));
            Assert.Contains(expected, problem);
        }

        [Fact]
        public void AListIsCommaSeparatedAndNoneIsEmpty()
        {
            var hops = JumpHostSpec.TryParseList("a,root@b:2222,[::1]", out _)!;

            Assert.Equal(new[] { "a", "root@b:2222", "[::1]" }, hops.Select(h => h.ToString()));
            Assert.Empty(JumpHostSpec.TryParseList("NONE", out _)!);
            Assert.Null(JumpHostSpec.TryParseList("a,,b", out var problem));
            Assert.Contains("'' is not valid: it is empty", problem);
        }

        [Fact]
        public void ProxyJumpIsReadBySshConfigFile()
        {
            var host = SshConfigFile.Load(_temp.Write("config", "Host a\n  ProxyJump u@[2001:db8::5]:2022,b\n  ProxyCommand nc %h %p\nHost c\n  ProxyCommand nc %h %p\n")).Resolve("a");
            var command = SshConfigFile.Load(_temp.File("config")).Resolve("c");

            Assert.Equal(new[] { "u@[2001:db8::5]:2022", "b" }, host.ProxyJump!.Select(h => h.ToString()));
            Assert.Null(host.ProxyCommandSource);
            Assert.Null(command.ProxyJump);
            Assert.Equal(_temp.File("config") + " line 5", command.ProxyCommandSource);
        }
    }
}
