using System;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Toolstacks;
using Xunit;

namespace XenPS.Tests.HostileInput
{
    /// <summary>The migrate command names the guest by what the toolstack cannot misread, and takes no host or ssh command a shell would interpret.</summary>
    public sealed class MigrationCommandTests
    {
        private const string Uuid = "5d3c2f9a-7e1b-4c6d-9a0e-2b8f4c1d7e63";

        private static MigrationTarget Target(string host, Toolstack toolstack) =>
            new MigrationTarget { Host = host, Port = toolstack == Toolstack.Xm ? 8002 : 22, Toolstack = toolstack };

        private static XenDomain Guest(string name, int? id = 5, string? uuid = Uuid) => new XenDomain { Name = name, Id = id, Uuid = uuid };

        [Theory]
        [InlineData("1")]
        [InlineData("-x")]
        [InlineData("--help")]
        [InlineData("tiny")]
        public void XlGetsTheDomainIdAfterTheEndOfOptions(string name)
        {
            var command = Toolstack.Xl.Implementation().Migrate(Target("xl-b", Toolstack.Xl), true, null, Guest(name), "xl-a");

            Assert.Equal(new[] { "xl", "migrate", "--", "5", "xl-b" }, command);
        }

        [Fact]
        public void XlGetsTheSshCommandAsOneArgumentBeforeTheEndOfOptions()
        {
            var command = Toolstack.Xl.Implementation().Migrate(Target("xl-b", Toolstack.Xl), true, "ssh -p 2222", Guest("1"), "xl-a");

            Assert.Equal(new[] { "xl", "migrate", "-s", "ssh -p 2222", "--", "5", "xl-b" }, command);
        }

        [Fact]
        public void XlWithoutADomainIdStartsNothing()
        {
            var e = Assert.Throws<XenSessionException>(() => Toolstack.Xl.Implementation().Migrate(Target("xl-b", Toolstack.Xl), true, null, Guest("1", id: null), "xl-a"));

            Assert.Equal(XenSessionErrorId.DomainNotFound, e.ErrorId);
        }

        [Theory]
        [InlineData("1")]
        [InlineData("-x")]
        [InlineData("--help")]
        public void XmGetsTheUuidAfterTheEndOfOptions(string name)
        {
            var command = Toolstack.Xm.Implementation().Migrate(Target("dom0-b", Toolstack.Xm), true, null, Guest(name), "dom0-a");

            Assert.Equal(new[] { "xm", "migrate", "--live", "-p", "8002", "--", Uuid, "dom0-b" }, command);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("not-a-uuid")]
        public void XmWithoutAUuidGetsTheNameAfterTheEndOfOptions(string? uuid)
        {
            var command = Toolstack.Xm.Implementation().Migrate(Target("dom0-b", Toolstack.Xm), false, null, Guest("-x", uuid: uuid), "dom0-a");

            Assert.Equal(new[] { "xm", "migrate", "-p", "8002", "--", "-x", "dom0-b" }, command);
        }

        [Fact]
        public void XlDestroysALeftoverAfterTheEndOfOptionsAndXmWithItsOneArgument()
        {
            Assert.Equal(ShellQuote.Join("xl", "destroy", "--", "-x--incoming"), Toolstack.Xl.Implementation().DestroyShell("-x--incoming"));
            Assert.Equal(ShellQuote.Join("xm", "destroy", "migrating--x"), Toolstack.Xm.Implementation().DestroyShell("migrating--x"));
        }

        [Theory]
        [MemberData(nameof(HostileInputCorpus.Names), MemberType = typeof(HostileInputCorpus))]
        public void ATargetHostOfTheCorpusStartsNothing(string name)
        {
            foreach (var toolstack in new[] { Toolstack.Xl, Toolstack.Xm })
            {
                var e = Assert.Throws<XenSessionException>(() =>
                    toolstack.Implementation().Migrate(Target(HostileInputCorpus.Value(name), toolstack), true, null, Guest("tiny"), "xl-a"));

                Assert.Equal(XenSessionErrorId.MigrationTargetInvalid, e.ErrorId);
                Assert.Contains("nothing was started", e.Message, StringComparison.Ordinal);
                Assert.True(e.Message.Length < 400, e.Message);
            }
        }

        [Theory]
        [MemberData(nameof(HostileInputCorpus.Names), MemberType = typeof(HostileInputCorpus))]
        public void AnSshCommandOfTheCorpusStartsNothing(string name)
        {
            var value = HostileInputCorpus.Value(name);
            if (value.Length == 0) return;

            var e = Assert.Throws<XenSessionException>(() =>
                Toolstack.Xl.Implementation().Migrate(Target("xl-b", Toolstack.Xl), true, value, Guest("tiny"), "xl-a"));

            Assert.Equal(XenSessionErrorId.SshCommandInvalid, e.ErrorId);
            Assert.True(e.Message.Length < 400, e.Message);
        }

        [Theory]
        [MemberData(nameof(HostileInputCorpus.Names), MemberType = typeof(HostileInputCorpus))]
        public void AGuestNamedWithTheCorpusIsNamedByIdOrUuidOnly(string name)
        {
            var guest = Guest(HostileInputCorpus.Value(name));

            Assert.DoesNotContain(guest.Name, Toolstack.Xl.Implementation().Migrate(Target("xl-b", Toolstack.Xl), true, null, guest, "xl-a"));
            Assert.DoesNotContain(guest.Name, Toolstack.Xm.Implementation().Migrate(Target("dom0-b", Toolstack.Xm), true, null, guest, "dom0-a"));
        }
    }
}
