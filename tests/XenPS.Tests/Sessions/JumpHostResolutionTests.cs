using System;
using System.Linq;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public sealed class JumpHostResolutionTests : IDisposable
    {
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void ProxyJumpHopsAreResolvedEachByItsOwnHostBlock()
        {
            var config = Config(
                "Host dom0-c\n  HostName 10.20.0.13\n  ProxyJump outer,admin@inner:2200\n  UserKnownHostsFile /kh/dom0\n" +
                "Host outer\n  HostName 198.18.0.5\n  User gate\n  Port 2222\n  IdentityFile /keys/outer\n  UserKnownHostsFile /kh/outer\n  StrictHostKeyChecking accept-new\n" +
                "Host inner\n  HostName 10.20.0.2\n  User ignored\n  ProxyJump elsewhere\n" +
                "Host *\n  IdentityFile /keys/any\n");

            var target = ConnectionTarget.Resolve(new SessionOptions { ComputerName = "dom0-c", SshConfigPath = config, Password = "secret" });

            Assert.Equal(2, target.JumpHosts.Count);
            var outer = target.JumpHosts[0];
            Assert.Equal(("outer", "198.18.0.5", "gate", 2222), (outer.ComputerName, outer.HostName, outer.UserName, outer.Port));
            Assert.Equal(new[] { "/keys/outer", "/keys/any" }, outer.KeyFiles.Select(k => k.Path));
            Assert.Equal("/kh/outer", outer.KnownHostsPath);
            Assert.True(outer.AcceptNewHostKey);
            Assert.Equal(new[] { "outer", "198.18.0.5" }, outer.KnownHostsNames);
            Assert.Null(outer.Password);
            var inner = target.JumpHosts[1];
            Assert.Equal(("inner", "10.20.0.2", "admin", 2200), (inner.ComputerName, inner.HostName, inner.UserName, inner.Port));
            Assert.False(inner.AcceptNewHostKey);
            Assert.Empty(inner.JumpHosts);
            Assert.Equal("secret", target.Password);
            Assert.Equal(new[] { "dom0-c", "10.20.0.13" }, target.KnownHostsNames);
            Assert.Equal("/kh/dom0", target.KnownHostsPath);
            Assert.Equal("gate@outer:2222,admin@inner:2200", target.JumpHostChain);
            Assert.Equal("root@10.20.0.13:22 via gate@198.18.0.5:2222,admin@10.20.0.2:2200", target.Key);
        }

        [Fact]
        public void TheFirstHopIsReachedThroughItsOwnProxyJump()
        {
            var config = Config("Host dom0-c\n  ProxyJump inner\nHost inner\n  ProxyJump outer\nHost outer\n  ProxyJump none\n");

            var target = ConnectionTarget.Resolve(new SessionOptions { ComputerName = "dom0-c", SshConfigPath = config });

            Assert.Equal(new[] { "outer", "inner" }, target.JumpHosts.Select(h => h.ComputerName));
        }

        [Fact]
        public void AProxyJumpLoopIsReported()
        {
            var config = Config("Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n");

            var error = Assert.Throws<XenSessionException>(() => ConnectionTarget.Resolve(new SessionOptions { ComputerName = "a", SshConfigPath = config }));

            Assert.Equal(XenSessionErrorId.SshConfigInvalid, error.ErrorId);
            Assert.Contains("loop", error.Message);
        }

        [Fact]
        public void NoneAndTheFirstValueObtainedWin()
        {
            var config = Config(
                "Host direct\n  ProxyJump none\n" +
                "Host first\n  ProxyJump one\n" +
                "Host * !one !other\n  ProxyJump other\n");

            Assert.Empty(Resolve("direct", config).JumpHosts);
            Assert.Equal("one", Assert.Single(Resolve("first", config).JumpHosts).ComputerName);
            Assert.Equal("other", Assert.Single(Resolve("else", config).JumpHosts).ComputerName);
            Assert.Equal("root@else:22 via root@other:22", Resolve("else", config).Key);
            Assert.Equal("root@direct:22", Resolve("direct", config).Key);
        }

        [Fact]
        public void ProxyCommandIsRefusedNamingWhereItIsWritten()
        {
            var config = Config("Host dom0-a\n  ProxyCommand ssh -W %h:%p bastion\n");

            var error = Assert.Throws<XenSessionException>(() => Resolve("dom0-a", config));

            Assert.Equal(XenSessionErrorId.ProxyCommandNotSupported, error.ErrorId);
            Assert.Contains(config + " line 2", error.Message);
            Assert.Contains("ProxyJump", error.Message);
            Assert.Contains("-JumpHost", error.Message);
            Assert.DoesNotContain("ssh -W", error.Message);
        }

        [Fact]
        public void AJumpHostsProxyCommandIsRefusedToo()
        {
            var config = Config("Host dom0-a\n  ProxyJump bastion\nHost bastion\n  ProxyCommand nc %h %p\n");

            var error = Assert.Throws<XenSessionException>(() => Resolve("dom0-a", config));

            Assert.Equal(XenSessionErrorId.ProxyCommandNotSupported, error.ErrorId);
            Assert.Contains("for bastion", error.Message);
        }

        [Fact]
        public void ProxyJumpAndProxyCommandExcludeEachOtherFirstObtainedWins()
        {
            var config = Config(
                "Host jumped\n  ProxyJump bastion\n" +
                "Host nocommand\n  ProxyCommand none\n" +
                "Host * !bastion\n  ProxyCommand nc %h %p\n  ProxyJump late\n");

            Assert.Equal("bastion", Assert.Single(Resolve("jumped", config).JumpHosts).ComputerName);
            Assert.Empty(Resolve("nocommand", config).JumpHosts);
            Assert.Equal(XenSessionErrorId.ProxyCommandNotSupported, Assert.Throws<XenSessionException>(() => Resolve("other", config)).ErrorId);
        }

        [Fact]
        public void JumpHostsGivenWinOverProxyJumpAndProxyCommand()
        {
            var config = Config("Host dom0-a\n  ProxyJump bastion\nHost dom0-b\n  ProxyCommand nc %h %p\nHost gw\n  ProxyJump far\n");

            var a = ConnectionTarget.Resolve(new SessionOptions { ComputerName = "dom0-a", SshConfigPath = config, JumpHosts = new[] { "admin@gw:2200", "198.18.0.9" } });
            var b = ConnectionTarget.Resolve(new SessionOptions { ComputerName = "dom0-b", SshConfigPath = config, JumpHosts = new[] { "none" } });

            Assert.Equal("far,admin@gw:2200,root@198.18.0.9:22".Split(','), a.JumpHosts.Select(h => h.ComputerName == "far" ? "far" : JumpHostSpec.Format(h.UserName, h.ComputerName, h.Port)));
            Assert.Empty(b.JumpHosts);
        }

        [Fact]
        public void HopsShareKeyFilesKnownHostsAndAcceptNewButNotThePassword()
        {
            var config = Config("Host *\n  User xen\n");

            var target = ConnectionTarget.Resolve(new SessionOptions
            {
                ComputerName = "dom0-a",
                SshConfigPath = config,
                JumpHosts = new[] { "gw" },
                UserName = "admin",
                Password = "secret",
                KeyFilePaths = new[] { "/keys/mine" },
                KeyPassphrase = "phrase",
                KnownHostsPath = "/kh/known_hosts",
                AcceptNewHostKey = true,
                ConnectTimeout = TimeSpan.FromSeconds(4),
                CommandTimeout = TimeSpan.FromMinutes(1),
                UseSudo = true,
            });

            var hop = Assert.Single(target.JumpHosts);
            Assert.Equal("xen", hop.UserName);
            Assert.Null(hop.Password);
            Assert.Equal("phrase", hop.KeyPassphrase);
            Assert.Equal("/keys/mine", Assert.Single(hop.KeyFiles).Path);
            Assert.Equal("/kh/known_hosts", hop.KnownHostsPath);
            Assert.True(hop.AcceptNewHostKey);
            Assert.Equal(TimeSpan.FromSeconds(4), hop.ConnectTimeout);
            Assert.Null(hop.CommandTimeout);
            Assert.False(hop.UseSudo);
        }

        [Fact]
        public void AHopsOptionsAreACopyThatLeavesTheSessionsOptionsAsTheyWere()
        {
            var options = new SessionOptions
            {
                ComputerName = "dom0-a",
                UserName = "admin",
                Port = 2022,
                Password = "secret",
                KeyFilePaths = new[] { "/keys/mine" },
                KeyPassphrase = "phrase",
                KnownHostsPath = "/kh/known_hosts",
                AcceptNewHostKey = true,
                SshConfigPath = "/ssh/config",
                ConnectTimeout = TimeSpan.FromSeconds(4),
                CommandTimeout = TimeSpan.FromMinutes(1),
                MaxCommandOutput = 1 << 20,
                UseSudo = true,
                JumpHosts = new[] { "gw" },
            };

            var hop = options.ForJumpHost(JumpHostSpec.TryParse("xen@gw:2200", out _)!, new[] { "none" });

            Assert.Equal(("gw", "xen", 2200, "none"), (hop.ComputerName, hop.UserName, hop.Port, Assert.Single(hop.JumpHosts!)));
            Assert.Equal((null, null, null, false), (hop.Password, hop.CommandTimeout, hop.MaxCommandOutput, hop.UseSudo));
            Assert.Equal(("/keys/mine", "phrase", "/kh/known_hosts", true, "/ssh/config", TimeSpan.FromSeconds(4)),
                (Assert.Single(hop.KeyFilePaths), hop.KeyPassphrase, hop.KnownHostsPath, hop.AcceptNewHostKey, hop.SshConfigPath, hop.ConnectTimeout));
            Assert.Equal(("dom0-a", "admin", 2022, "gw", "secret"), (options.ComputerName, options.UserName, options.Port, Assert.Single(options.JumpHosts!), options.Password));
            Assert.Equal((TimeSpan.FromMinutes(1), 1L << 20, true), (options.CommandTimeout, options.MaxCommandOutput, options.UseSudo));
        }

        [Theory]
        [InlineData("bastion:99999", "port '99999'")]
        [InlineData("root@@bastion", "is not a user name")]
        [InlineData("fe80::1", "in brackets")]
        public void AJumpHostGivenThatIsNotValidIsReported(string hop, string expected)
        {
            var error = Assert.Throws<XenSessionException>(() =>
                ConnectionTarget.Resolve(new SessionOptions { ComputerName = "dom0-a", SshConfigPath = Config(""), JumpHosts = new[] { "gw", hop } }));

            Assert.Equal(XenSessionErrorId.JumpHostInvalid, error.ErrorId);
            Assert.Contains(expected, error.Message);
            Assert.Contains("[user@]host[:port]", error.Message);
        }

        [Theory]
        [InlineData("ProxyJump bastion:0\n", "port '0'")]
        [InlineData("ProxyJump a, b\n", "one value")]
        [InlineData("ProxyJump a,,b\n", "it is empty")]
        public void AProxyJumpThatIsNotValidIsReportedWithFileAndLine(string line, string expected)
        {
            var config = Config("# first\n" + line);

            var error = Assert.Throws<XenSessionException>(() => Resolve("dom0-a", config));

            Assert.Equal(XenSessionErrorId.SshConfigInvalid, error.ErrorId);
            Assert.Contains(config + " line 2", error.Message);
            Assert.Contains(expected, error.Message);
        }

        private string Config(string text) => _temp.Write("config", text);

        private static ConnectionTarget Resolve(string computerName, string config) =>
            ConnectionTarget.Resolve(new SessionOptions { ComputerName = computerName, SshConfigPath = config });
    }
}
