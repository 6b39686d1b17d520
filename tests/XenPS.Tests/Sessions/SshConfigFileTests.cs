using System;
using System.IO;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public sealed class SshConfigFileTests : IDisposable
    {
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void AMissingFileGivesTheAliasAndNothingElse()
        {
            var config = SshConfigFile.Load(_temp.File("absent")).Resolve("dom0-a");

            Assert.Equal("dom0-a", config.HostName);
            Assert.Null(config.User);
            Assert.Null(config.Port);
            Assert.Empty(config.IdentityFiles);
            Assert.Null(config.UserKnownHostsFile);
            Assert.Null(config.ConnectTimeout);
        }

        [Fact]
        public void HostAliasesAreThePlainNamesOfHostLines()
        {
            var config = Load(
                "Host dom0-a dom0-b\n" +
                "    User root\n" +
                "Host dom0-* !dom0-x lab?\n" +
                "    Port 22\n" +
                "Host DOM0-A xl-host\n");

            Assert.Equal(new[] { "dom0-a", "dom0-b", "xl-host" }, config.HostAliases());
        }

        [Fact]
        public void TheFirstValueObtainedWinsAndIdentityFilesAccumulate()
        {
            var config = Load(
                "# lab\n" +
                "Host dom0-a\n" +
                "    HostName 198.18.0.11\n" +
                "    IdentityFile /keys/a\n" +
                "Host dom0-*\n" +
                "    HostName 198.18.0.99\n" +
                "    User xen\n" +
                "    Port 2222\n" +
                "    IdentityFile /keys/lab\n" +
                "Host *\n" +
                "    User nobody\n" +
                "    IdentityFile /keys/a\n" +
                "    ConnectTimeout 7\n" +
                "    StrictHostKeyChecking accept-new\n").Resolve("dom0-a");

            Assert.Equal("198.18.0.11", config.HostName);
            Assert.Equal("xen", config.User);
            Assert.Equal(2222, config.Port);
            Assert.Equal(new[] { "/keys/a", "/keys/lab" }, config.IdentityFiles);
            Assert.Equal(TimeSpan.FromSeconds(7), config.ConnectTimeout);
            Assert.Equal("accept-new", config.StrictHostKeyChecking);
        }

        [Theory]
        [InlineData("dom0-a", "one")]
        [InlineData("web1", "two")]
        [InlineData("web12", "three")]
        [InlineData("bastion", "three")]
        [InlineData("dom0-b", "three")]
        public void HostLinesTakeSeveralPatternsWithWildcardsAndNegation(string alias, string user)
        {
            var config = Load(
                "Host dom0-a other\n  User one\n" +
                "Host web? !web9\n  User two\n" +
                "Host * !dom0-a\n  User three\n");

            Assert.Equal(user, config.Resolve(alias).User);
        }

        [Fact]
        public void KeywordsIgnoreCaseAndTakeEqualsSignsAndQuotes()
        {
            var config = Load(
                "HOST=dom0-a\n" +
                "  hostname = 198.18.0.11\n" +
                "  PORT=2200\n" +
                "  identityfile \"/keys/my key\"\n" +
                "  IdentityFile '/keys/other key' # a comment\n" +
                "  IdentityFile /keys/third\\ key\n" +
                "  UserKnownHostsFile /lab/known_hosts /lab/known_hosts2\n").Resolve("dom0-a");

            Assert.Equal("198.18.0.11", config.HostName);
            Assert.Equal(2200, config.Port);
            Assert.Equal(new[] { "/keys/my key", "/keys/other key", "/keys/third key" }, config.IdentityFiles);
            Assert.Equal("/lab/known_hosts", config.UserKnownHostsFile);
        }

        [Fact]
        public void MatchBlocksAreSkipped()
        {
            var config = Load(
                "Match host dom0-a\n  User matched\n  Port 1\n" +
                "Host dom0-a\n  User hosted\n").Resolve("dom0-a");

            Assert.Equal("hosted", config.User);
            Assert.Null(config.Port);
        }

        [Fact]
        public void TokensAndTildeAreExpanded()
        {
            var config = Load(
                "Host dom0-a\n" +
                "  HostName %h.lab.example\n" +
                "  IdentityFile ~/.ssh/%r@%h_%p\n" +
                "  IdentityFile %d/keys/%n%%\n" +
                "  UserKnownHostsFile ~/known_hosts_%u\n").Resolve("dom0-a", port: 2222, defaultUser: "root");

            var home = Environment.GetEnvironmentVariable("HOME")!;
            Assert.Equal("dom0-a.lab.example", config.HostName);
            Assert.Equal(new[] { Path.Combine(home, ".ssh/root@dom0-a.lab.example_2222"), home + "/keys/dom0-a%" }, config.IdentityFiles);
            Assert.Equal(Path.Combine(home, "known_hosts_" + Environment.UserName), config.UserKnownHostsFile);
        }

        [Fact]
        public void TheUserGivenOutsideTheFileIsTheRemoteUserToken()
        {
            var file = Load("Host *\n  User xen\n  IdentityFile /keys/%r\n");

            Assert.Equal(new[] { "/keys/admin" }, file.Resolve("dom0-a", userName: "admin").IdentityFiles);
            Assert.Equal(new[] { "/keys/xen" }, file.Resolve("dom0-a", defaultUser: "root").IdentityFiles);
        }

        [Fact]
        public void EachIncludedFileStartsActiveAndTheOuterBlockResumesAfterIt()
        {
            var lab = _temp.Write("conf.d/lab.conf", "Host dom0-b\n  User inner\nHost *\n  User included\n");
            _temp.Write("conf.d/other.conf", "Port 2201\nHost nothing\n");
            var config = Load(
                $"Include {lab}\n" +
                $"Host dom0-a\n  Include {Path.Combine(_temp.Path, "conf.d", "*.conf")}\n  HostName 198.18.0.11\n");

            var a = config.Resolve("dom0-a");
            Assert.Equal("included", a.User);
            Assert.Equal(2201, a.Port);
            Assert.Equal("198.18.0.11", a.HostName);
            var b = config.Resolve("dom0-b");
            Assert.Equal("inner", b.User);
            Assert.Null(b.Port);
        }

        [Fact]
        public void AnIncludeLoopIsReported()
        {
            var path = _temp.File("config");
            File.WriteAllText(path, $"Include {path}\n");

            var error = Assert.Throws<XenSessionException>(() => SshConfigFile.Load(path));

            Assert.Equal(XenSessionErrorId.SshConfigInvalid, error.ErrorId);
        }

        [Theory]
        [InlineData("Port twenty\n")]
        [InlineData("ConnectTimeout -1\n")]
        [InlineData("IdentityFile /keys/%x\n")]
        public void InvalidValuesAreReportedWithFileAndLine(string line)
        {
            var config = Load("# first\n" + line);

            var error = Assert.Throws<XenSessionException>(() => config.Resolve("dom0-a"));

            Assert.Equal(XenSessionErrorId.SshConfigInvalid, error.ErrorId);
            Assert.Contains(_temp.File("config") + " line 2", error.Message);
        }

        private SshConfigFile Load(string text) => SshConfigFile.Load(_temp.Write("config", text));
    }
}
