using System;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public sealed class SessionRulesTests
    {
        private const string RootA = "root@10.0.0.2:22";
        private const string JumpedA = "root@10.0.0.2:22 via root@10.0.0.9:22";

        private const string Defaults = "defaults";

        private static SessionEntry Entry(int id, string name, string key, XenSessionState state = XenSessionState.Opened) =>
            new SessionEntry(id, name, key, Defaults, state);

        [Fact]
        public void NewSessionForAHostWithoutOneOpensOne()
        {
            var decision = SessionRules.ForNew(new[] { Entry(1, "dom0-b", "root@10.0.0.3:22") }, "dom0-a", RootA, Defaults, false);

            Assert.Equal(SessionAction.Open, decision.Action);
            Assert.Empty(decision.Replaced);
        }

        [Fact]
        public void NewSessionForTheSameNameReturnsTheOpenOne()
        {
            var decision = SessionRules.ForNew(new[] { Entry(4, "DOM0-A", RootA) }, "dom0-a", RootA, Defaults, false);

            Assert.Equal(SessionAction.Reuse, decision.Action);
            Assert.Equal(4, decision.Id);
            Assert.False(decision.SettingsDiffer);
        }

        [Fact]
        public void NewSessionForTheSameEndpointUnderAnotherNameReturnsTheOpenOne()
        {
            var decision = SessionRules.ForNew(new[] { Entry(2, "dom0-a", RootA) }, "10.0.0.2", RootA, Defaults, false);

            Assert.Equal(SessionAction.Reuse, decision.Action);
            Assert.Equal(2, decision.Id);
        }

        [Theory]
        [InlineData("xenadmin@10.0.0.2:22", Defaults)]
        [InlineData(RootA, "with sudo")]
        public void NewSessionWithOtherUserOrSettingsReturnsTheOpenOneAndSaysTheSettingsDiffer(string askedKey, string askedSettings)
        {
            var decision = SessionRules.ForNew(new[] { Entry(3, "dom0-a", RootA) }, "dom0-a", askedKey, askedSettings, false);

            Assert.Equal(SessionAction.Reuse, decision.Action);
            Assert.Equal(3, decision.Id);
            Assert.True(decision.SettingsDiffer);
        }

        [Fact]
        public void ForceReplacesEverySessionOfTheHost()
        {
            var registered = new[] { Entry(1, "dom0-a", RootA), Entry(2, "dom0-b", "root@10.0.0.3:22"), Entry(3, "a-alias", RootA, XenSessionState.Broken) };

            var decision = SessionRules.ForNew(registered, "dom0-a", RootA, Defaults, true);

            Assert.Equal(SessionAction.Replace, decision.Action);
            Assert.Equal(new[] { 1, 3 }, decision.Replaced);
        }

        [Fact]
        public void NewSessionReplacesABrokenSessionOfTheHostRatherThanListItTwice()
        {
            var decision = SessionRules.ForNew(new[] { Entry(5, "dom0-a", RootA, XenSessionState.Broken) }, "dom0-a", RootA, Defaults, false);

            Assert.Equal(SessionAction.Replace, decision.Action);
            Assert.Equal(new[] { 5 }, decision.Replaced);
        }

        [Fact]
        public void ADirectAndAJumpedSessionToOneHostAreKeptApart()
        {
            var decision = SessionRules.ForNew(new[] { Entry(1, "dom0-a", RootA) }, "dom0-a", JumpedA, Defaults, false);

            Assert.Equal(SessionAction.Open, decision.Action);
            Assert.Empty(decision.Replaced);
        }

        [Fact]
        public void AClosedSessionCountsForNothing()
        {
            var closed = new[] { Entry(1, "dom0-a", RootA, XenSessionState.Closed) };

            Assert.Equal(SessionAction.Open, SessionRules.ForNew(closed, "dom0-a", RootA, Defaults, false).Action);
            Assert.Equal(SessionAction.Open, SessionRules.ForImplicit(closed, "dom0-a", RootA, true).Action);
        }

        [Fact]
        public void ImplicitSessionPrefersAnOpenSessionOverABrokenOne()
        {
            var registered = new[] { Entry(1, "dom0-a", RootA, XenSessionState.Broken), Entry(2, "dom0-a", JumpedA) };

            var decision = SessionRules.ForImplicit(registered, "dom0-a", RootA, true);

            Assert.Equal(SessionAction.Reuse, decision.Action);
            Assert.Equal(2, decision.Id);
        }

        [Fact]
        public void ImplicitSessionReconnectsABrokenSessionInsteadOfReplacingIt()
        {
            var decision = SessionRules.ForImplicit(new[] { Entry(7, "dom0-a", RootA, XenSessionState.Broken) }, "dom0-a", RootA, true);

            Assert.Equal(SessionAction.Reconnect, decision.Action);
            Assert.Equal(7, decision.Id);
            Assert.Empty(decision.Replaced);
        }

        [Fact]
        public void ImplicitSessionMatchesByNameOnlyWhenNoUserOrPortIsAsked()
        {
            var registered = new[] { Entry(1, "dom0-a", "xenadmin@10.0.0.2:22") };

            Assert.Equal(SessionAction.Reuse, SessionRules.ForImplicit(registered, "dom0-a", RootA, true).Action);
            Assert.Equal(SessionAction.Open, SessionRules.ForImplicit(registered, "dom0-a", RootA, false).Action);
        }

        [Fact]
        public void ImplicitSessionPrefersTheSessionOfTheSameKey()
        {
            var registered = new[] { Entry(1, "dom0-a", JumpedA), Entry(2, "dom0-a", RootA) };

            Assert.Equal(2, SessionRules.ForImplicit(registered, "dom0-a", RootA, true).Id);
        }

        [Theory]
        [InlineData(RootA, RootA, true)]
        [InlineData(RootA, JumpedA, true)]
        [InlineData(RootA, "xenadmin@10.0.0.2:22", false)]
        [InlineData(RootA, "root@10.0.0.2:2222", false)]
        public void SessionsReachTheSameHostWhenUserHostAndPortAgree(string key, string other, bool same)
        {
            Assert.Equal(same, SessionRules.SameEndpoint(key, other));
        }

        [Theory]
        [InlineData(RootA, "")]
        [InlineData(JumpedA, "root@10.0.0.9:22")]
        public void TheRouteIsTheJumpHostPartOfTheKey(string key, string route)
        {
            Assert.Equal(route, SessionRules.RouteOf(key));
        }

        [Fact]
        public void SettingsTellRequestsApartByEverythingButTheNameAndTheSecrets()
        {
            var asked = new SessionOptions { ComputerName = "dom0-a", SshConfigPath = "/lab/ssh_config", Password = "one" };
            var renamed = asked.Copy();
            renamed.ComputerName = "10.0.0.2";
            renamed.Password = "two";
            var limited = asked.Copy();
            limited.MaxCommandOutput = 4096;

            Assert.Equal(asked.Settings, renamed.Settings);
            Assert.NotEqual(asked.Settings, limited.Settings);
            Assert.DoesNotContain("one", asked.Settings);
        }

        [Fact]
        public void ImplicitOptionsOfANameNeverOpenedAreTheDefaults()
        {
            var options = new SessionRegistry().OptionsFor("dom0-typo");

            Assert.Equal("dom0-typo", options.ComputerName);
            Assert.Null(options.SshConfigPath);
            Assert.Null(options.UserName);
            Assert.False(options.UseSudo);
            Assert.Empty(options.KeyFilePaths);
        }

        [Theory]
        [InlineData(1000, false, "xenadmin@dom0-a is not root (uid 1000)*-UseSudo*'xenadmin ALL=(root) NOPASSWD: ALL'*/etc/sudoers.d*")]
        [InlineData(0, false, null)]
        [InlineData(1000, true, null)]
        public void ANonRootUserWithoutSudoIsToldAboutUseSudo(int uid, bool useSudo, string? expected)
        {
            var warning = XenSessionFactory.NotRootWarning("dom0-a", "xenadmin", useSudo, new RemoteResult(0, $"{uid}\n", ""));

            if (expected is null) Assert.Null(warning);
            else Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(expected).Replace("\\*", ".*") + "$", warning);
        }

        [Fact]
        public void AnUnreadableUserIdGivesNoWarning()
        {
            Assert.Null(XenSessionFactory.NotRootWarning("dom0-a", "xenadmin", false, new RemoteResult(1, "", "id: not found")));
            Assert.Null(XenSessionFactory.NotRootWarning("dom0-a", "xenadmin", false, new RemoteResult(0, "uid?", "")));
        }
    }
}
