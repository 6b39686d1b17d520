using System;
using System.IO;
using System.Linq;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public sealed class ConnectionTargetTests : IDisposable
    {
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void WithoutConfigTheDefaultsAreRootPort22AndTheUsualFiles()
        {
            var target = ConnectionTarget.Resolve(new SessionOptions { ComputerName = "dom0-a", SshConfigPath = _temp.Write("config", "") });

            Assert.Equal("dom0-a", target.HostName);
            Assert.Equal("root", target.UserName);
            Assert.Equal(22, target.Port);
            Assert.Equal(TimeSpan.FromSeconds(30), target.ConnectTimeout);
            Assert.Null(target.CommandTimeout);
            Assert.False(target.AcceptNewHostKey);
            Assert.Equal(Path.Combine(UserPaths.SshFolder, "known_hosts"), target.KnownHostsPath);
            Assert.Equal(new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(n => Path.Combine(UserPaths.SshFolder, n)), target.KeyFiles.Select(k => k.Path));
            Assert.All(target.KeyFiles, k => Assert.False(k.Required));
            Assert.Equal("root@dom0-a:22", target.Key);
            Assert.Equal(new[] { "dom0-a" }, target.KnownHostsNames);
        }

        [Fact]
        public void TheConfigFillsWhatIsNotGiven()
        {
            var config = _temp.Write("config",
                "Host lab-a\n  HostName 198.18.0.11\n  User xen\n  Port 2222\n  IdentityFile /keys/lab\n" +
                "  UserKnownHostsFile /lab/known_hosts\n  ConnectTimeout 5\n  StrictHostKeyChecking accept-new\n");

            var target = ConnectionTarget.Resolve(new SessionOptions { ComputerName = "Lab-A", SshConfigPath = config });

            Assert.Equal("198.18.0.11", target.HostName);
            Assert.Equal("xen", target.UserName);
            Assert.Equal(2222, target.Port);
            Assert.Equal("/keys/lab", Assert.Single(target.KeyFiles).Path);
            Assert.Equal("/lab/known_hosts", target.KnownHostsPath);
            Assert.Equal(TimeSpan.FromSeconds(5), target.ConnectTimeout);
            Assert.True(target.AcceptNewHostKey);
            Assert.Equal("xen@198.18.0.11:2222", target.Key);
            Assert.Equal(new[] { "Lab-A", "198.18.0.11" }, target.KnownHostsNames);
        }

        [Fact]
        public void WhatIsGivenWinsOverTheConfig()
        {
            var config = _temp.Write("config", "Host *\n  User xen\n  Port 2222\n  IdentityFile /keys/lab\n  ConnectTimeout 5\n  StrictHostKeyChecking yes\n");

            var target = ConnectionTarget.Resolve(new SessionOptions
            {
                ComputerName = "dom0-a",
                SshConfigPath = config,
                UserName = "admin",
                Port = 22,
                KeyFilePaths = new[] { "/keys/mine" },
                KnownHostsPath = "/kh/known_hosts",
                ConnectTimeout = TimeSpan.FromSeconds(9),
                CommandTimeout = TimeSpan.FromMinutes(2),
                AcceptNewHostKey = true,
                UseSudo = true,
            });

            Assert.Equal("admin", target.UserName);
            Assert.Equal(22, target.Port);
            var key = Assert.Single(target.KeyFiles);
            Assert.Equal("/keys/mine", key.Path);
            Assert.True(key.Required);
            Assert.Equal("/kh/known_hosts", target.KnownHostsPath);
            Assert.Equal(TimeSpan.FromSeconds(9), target.ConnectTimeout);
            Assert.Equal(TimeSpan.FromMinutes(2), target.CommandTimeout);
            Assert.True(target.AcceptNewHostKey);
            Assert.True(target.UseSudo);
            Assert.Equal("admin@dom0-a:22", target.Key);
        }

        [Fact]
        public void AConfigFileGivenByNameMustExist()
        {
            var error = Assert.Throws<XenSessionException>(() =>
                ConnectionTarget.Resolve(new SessionOptions { ComputerName = "dom0-a", SshConfigPath = _temp.File("absent") }));

            Assert.Equal(XenSessionErrorId.SshConfigNotFound, error.ErrorId);
        }
    }
}
