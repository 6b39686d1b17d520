using System;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class LinkChecksTests
    {
        private static TargetChoice Choice(Toolstack toolstack = Toolstack.Xm, string outcome = "open", string message = "")
        {
            var port = toolstack == Toolstack.Xm ? 8002 : 22;
            var host = toolstack == Toolstack.Xm ? "dom0-b" : "xl-b";
            var tried = new TargetTry { Candidate = new TargetCandidate(host, MigrationTargetOrigin.DestinationName), Host = host, Address = "198.18.0.12", Port = port, Outcome = outcome, Message = message };
            return new TargetChoice
            {
                Target = new MigrationTarget { Host = host, Address = "198.18.0.12", Port = port, Toolstack = toolstack, Origin = MigrationTargetOrigin.DestinationName, Reason = "the name given for the destination" },
                Chosen = tried,
                Tries = new[] { tried },
                SourceAddress = "198.18.0.11",
                Route = "198.18.0.12 dev peth0 src 198.18.0.11 uid 0",
            };
        }

        private static LinkFacts Link(ConnectOutcome relocation = ConnectOutcome.Open, int sshExit = 0, string sshMessage = "") => new LinkFacts
        {
            Target = Choice(),
            RelocationPort = new ConnectTest { Target = "198.18.0.12:8002", Outcome = relocation, Message = relocation == ConnectOutcome.Refused ? "Connection refused" : "" },
            Ssh = new SshTest { Destination = "xl-b", ExitCode = sshExit, Message = sshMessage, Output = sshExit == 0 ? "/usr/sbin/xl" : "" },
        };

        private static ReadinessCheck Relocation(HostFacts destination, LinkFacts? link = null, string? fqdn = "dom0-a") =>
            LinkChecks.Relocation(Hosts.Xm("dom0-a"), destination, fqdn, link ?? Link());

        private static LinkFacts Reached(Toolstack toolstack, ConnectOutcome outcome) => new LinkFacts
        {
            Target = Choice(toolstack, outcome == ConnectOutcome.Open ? "open" : "refused", "Connection refused"),
        };

        [Theory]
        [InlineData(ConnectOutcome.Open, ReadinessStatus.Pass, "Migration target dom0-b:8002 (the name given for the destination): dom0-a reaches 198.18.0.12:8002 over TCP.")]
        [InlineData(ConnectOutcome.Refused, ReadinessStatus.Pass, "Migration target dom0-b:8002 (the name given for the destination): dom0-a reaches 198.18.0.12, which refuses port 8002 (Connection refused; see Relocation).")]
        public void WithXmNetworkNamesTheTargetAndLeavesAClosedPortToRelocation(object outcome, ReadinessStatus expected, string detail)
        {
            var check = LinkChecks.Network(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), Reached(Toolstack.Xm, (ConnectOutcome)outcome));

            Assert.Equal(expected, check.Status);
            Assert.Equal(detail, check.Detail);
        }

        [Fact]
        public void WithXlAClosedSshPortFailsNetwork()
        {
            var check = LinkChecks.Network(Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), Reached(Toolstack.Xl, ConnectOutcome.Refused));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("Migration target xl-b:22 (the name given for the destination): xl-a reaches 198.18.0.12, but its SSH port 22 refuses the connection (Connection refused).", check.Detail);
            Assert.StartsWith("Check that sshd runs on xl-b and listens on port 22", check.Remedy);
        }

        [Fact]
        public void WithXlATargetBehindTheSourcesOwnProxyPassesNetworkAndLeavesTheLoginToSshTrust()
        {
            var check = LinkChecks.Network(Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), new LinkFacts { Target = Choice(Toolstack.Xl, "proxied", "gate") });

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal("Migration target xl-b:22 (the name given for the destination): ssh on xl-a reaches it through its own proxy (gate), which the TCP test does not follow; SshTrust tests the login through it.", check.Detail);
        }

        [Fact]
        public void NetworkFailsWithEveryCandidateWhenNoTargetWorks()
        {
            var none = new LinkFacts { Target = new TargetChoice { Error = "No way from dom0-a to dom0-b was found: fwd-dom0-b does not resolve on dom0-a. Give -MigrationTarget ..." } };

            var check = LinkChecks.Network(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), none);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal(none.TargetError, check.Detail);
            Assert.StartsWith("Give -MigrationTarget with the name or address under which dom0-a reaches dom0-b", check.Remedy);
            Assert.Equal("Not checked: No migration target works (see Network).", LinkChecks.SshTrust(Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), none).Detail);
            Assert.Contains("no migration target works (see Network)", LinkChecks.Relocation(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), null, none).Detail);
        }

        [Fact]
        public void NetworkFailsWhenTheTestsDidNotRun()
        {
            var check = LinkChecks.Network(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), new LinkFacts { Error = "dom0-a did not answer the readiness probe: Connection lost." });

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("Not checked: dom0-a did not answer the readiness probe: Connection lost.", check.Detail);
        }

        [Fact]
        public void RelocationPassesWhenEverythingAdmitsTheSource()
        {
            var check = Relocation(Hosts.Xm("dom0-b"));

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal(
                "dom0-b's xend-config.sxp has the relocation server on, port 8002. xend listens on port 8002. " +
                "xend-relocation-hosts-allow '^dom0-a$' admits dom0-a (198.18.0.11, dom0-a). A test connection from dom0-a to 198.18.0.12:8002 was accepted.", check.Detail);
        }

        [Fact]
        public void RelocationIsSkippedForXl()
        {
            Assert.Equal(ReadinessStatus.Skipped, LinkChecks.Relocation(Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), null, Link()).Status);
        }

        [Fact]
        public void ARelocationServerThatIsOffFailsWithTheSetXendRelocationCommand()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Xend!.Relocation.Server = false;
            destination.Xend.Relocation.HostsAllow = new[] { "^localhost$", "^localhost\\.localdomain$" };
            destination.Listeners = new[] { ("0.0.0.0", 22) };

            var check = Relocation(destination, Link(ConnectOutcome.Refused));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.StartsWith("xend-relocation-server is off in dom0-b's /etc/xen/xend-config.sxp. xend-relocation-hosts-allow '^localhost$ ^localhost\\.localdomain$' admits neither dom0-a's address 198.18.0.11 nor its name", check.Detail);
            Assert.EndsWith("As expected then, dom0-a cannot connect to 198.18.0.12:8002 (Connection refused).", check.Detail);
            Assert.Equal("Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -Restart", check.Remedy);
        }

        [Fact]
        public void AHostWithoutXendConfigFailsWithHowToCreateItFirst()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Xend!.Relocation = new XendRelocationConfig { ComputerName = "dom0-b", Path = "/etc/xen/xend-config.sxp", FileExists = false, XendRunning = true };
            destination.Listeners = new[] { ("0.0.0.0", 22) };

            var check = Relocation(destination, Link(ConnectOutcome.Refused));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.StartsWith("dom0-b has no /etc/xen/xend-config.sxp, so its xend runs with the built-in defaults: relocation server off.", check.Detail);
            Assert.Equal(
                "Create the file ('touch /etc/xen/xend-config.sxp' as root on dom0-b, or restore your distribution's copy), " +
                "then Set-XendRelocation -ComputerName dom0-b -Enabled -AddAllowedHost dom0-a -Restart", check.Remedy);
        }

        [Fact]
        public void AServerBoundToAnotherAddressFails()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Xend!.Relocation.Address = "127.0.0.1";
            destination.Listeners = new[] { ("0.0.0.0", 22), ("127.0.0.1", 8002) };

            var check = Relocation(destination, Link(ConnectOutcome.Refused));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.StartsWith("xend listens on port 8002 only at 127.0.0.1, not at 198.18.0.12, where the source connects.", check.Detail);
            Assert.Equal("Set-XendRelocation -ComputerName dom0-b -Address '' -Restart", check.Remedy);
        }

        [Fact]
        public void AServerNotListeningYetNeedsARestart()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Listeners = new[] { ("0.0.0.0", 22) };

            var check = Relocation(destination, Link(ConnectOutcome.Refused));

            Assert.StartsWith("Nothing listens on port 8002 of dom0-b: xend still runs with an older configuration.", check.Detail);
            Assert.Equal("'/etc/init.d/xend restart' on dom0-b, so that xend reads xend-config.sxp.", check.Remedy);
        }

        [Theory]
        [InlineData("^dom0-a$", "dom0-a", true)]
        [InlineData("^dom0-a$", null, false)]
        [InlineData("^198\\.18\\.0\\.[0-9]+$", null, true)]
        [InlineData("^dom0-c$ ^dom0-d$", "dom0-a", false)]
        [InlineData("dom0", "dom0-a.lab", true)]
        [InlineData("^dom0-a\\.lab$", "dom0-a.lab", true)]
        public void HostsAllowFollowsXendsRule(string hostsAllow, string? fqdn, bool admitted)
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Xend!.Relocation.HostsAllow = hostsAllow.Split(' ');

            var check = Relocation(destination, Link(admitted ? ConnectOutcome.Open : ConnectOutcome.Closed), fqdn);

            Assert.Equal(admitted ? ReadinessStatus.Pass : ReadinessStatus.Fail, check.Status);
            if (!admitted) Assert.Equal($"Set-XendRelocation -ComputerName dom0-b -AddAllowedHost {fqdn ?? "198.18.0.11"} -Restart", check.Remedy);
        }

        [Fact]
        public void AClosedConnectionWhileTheFileAdmitsTheSourceMeansXendRunsAnOlderConfiguration()
        {
            var check = Relocation(Hosts.Xm("dom0-b"), Link(ConnectOutcome.Closed));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.StartsWith("dom0-b's xend closed a test connection from dom0-a at once: it rejects dom0-a, although xend-config.sxp admits it", check.Detail);
            Assert.Equal("'/etc/init.d/xend restart' on dom0-b, so that xend reads xend-config.sxp.", check.Remedy);
        }

        [Fact]
        public void AnEmptyHostsAllowIsAWarning()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Xend!.Relocation.HostsAllow = new string[0];

            var check = Relocation(destination);

            Assert.Equal(ReadinessStatus.Warning, check.Status);
            Assert.EndsWith("xend-relocation-hosts-allow is empty: dom0-b accepts domains from every host that reaches port 8002, without authentication.", check.Detail);
            Assert.Equal("Set-XendRelocation -ComputerName dom0-b -AddAllowedHost dom0-a -Restart", check.Remedy);
        }

        [Fact]
        public void AHostsAllowEntryXendCannotUseFails()
        {
            var destination = Hosts.Xm("dom0-b");
            destination.Xend!.Relocation.HostsAllow = new[] { "^dom0-c$", "^dom0-(?P<n>a)$" };

            var check = Relocation(destination);

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains("holds an entry that xend cannot use", check.Detail);
            Assert.Equal("Set-XendRelocation -ComputerName dom0-b -RemoveAllowedHost '^dom0-(?P<n>a)$' -AddAllowedHost dom0-a -Restart", check.Remedy);
        }

        [Fact]
        public void RelocationFailsWhenXendIsStoppedOrTheFileIsUnreadable()
        {
            var stopped = Hosts.Xm("dom0-b");
            stopped.Tools.XendRunning = false;
            var unreadable = Hosts.Xm("dom0-b");
            unreadable.Xend = null;
            unreadable.XendError = "Could not read /etc/xen/xend-config.sxp on dom0-b: /etc/xen/xend-config.sxp does not exist.";

            Assert.Equal("'/etc/init.d/xend start' on dom0-b.", Relocation(stopped, Link(ConnectOutcome.Refused)).Remedy);
            Assert.Equal("Not checked: " + unreadable.XendError, Relocation(unreadable).Detail);
        }

        [Fact]
        public void SshTrustPassesWhenRootLogsInAndFindsXl()
        {
            var check = LinkChecks.SshTrust(Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), Link());

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal("root on xl-a logs in to xl-b without a password (ssh -o BatchMode=yes xl-b) and finds xl there at /usr/sbin/xl.", check.Detail);
            Assert.Equal(ReadinessStatus.Skipped, LinkChecks.SshTrust(Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), Link()).Status);
        }

        [Theory]
        [InlineData(255, "No ED25519 host key is known for xl-b and you have requested strict checking. Host key verification failed.", "ssh-keyscan xl-b >> /root/.ssh/known_hosts")]
        [InlineData(255, "root@xl-b: Permission denied (publickey,password).", "ssh-copy-id root@xl-b")]
        [InlineData(255, "ssh: Could not resolve hostname xl-b: Name or service not known", "Make xl-b resolvable on xl-a")]
        [InlineData(124, "", "Check the routes and firewalls")]
        [InlineData(1, "", "Install xl in /usr/sbin or /usr/bin on xl-b")]
        public void SshTrustFailuresSayHowToFixThem(int exitCode, string message, string remedy)
        {
            var check = LinkChecks.SshTrust(Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), Link(sshExit: exitCode, sshMessage: message));

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Contains(remedy, check.Remedy);
        }

        [Fact]
        public void BandwidthIsSkippedUnlessAskedFor()
        {
            var check = LinkChecks.Bandwidth(false, Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), Link(), Hosts.ComXp1());

            Assert.Equal(ReadinessStatus.Skipped, check.Status);
            Assert.Null(LinkChecks.EstimatedDuration(Hosts.ComXp1(), Link()));
        }

        [Fact]
        public void BandwidthGivesTheRateAndTheEstimatedDuration()
        {
            var link = Link();
            link.Bandwidth = new BandwidthSample { Bytes = 256L * 1048576, Seconds = 2.5 };

            var check = LinkChecks.Bandwidth(true, Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), link, Hosts.ComXp1());

            Assert.Equal(ReadinessStatus.Pass, check.Status);
            Assert.Equal("256.0 MiB went from xl-a to xl-b over ssh in 2.50 s: 102.4 MiB/s. 1536 MiB of memory take about 15 s to send once.", check.Detail);
            Assert.Equal(TimeSpan.FromSeconds(15), LinkChecks.EstimatedDuration(Hosts.ComXp1(), link));
        }

        [Fact]
        public void WithXmAndNoSshLoginBandwidthIsSkippedWithTheReason()
        {
            var check = LinkChecks.Bandwidth(true, Hosts.Xm("dom0-a"), Hosts.Xm("dom0-b"), Link(sshExit: 255, sshMessage: "Permission denied (publickey)."), Hosts.ComXp1());

            Assert.Equal(ReadinessStatus.Skipped, check.Status);
            Assert.Contains("xend's relocation port takes no test transfer", check.Detail);
            Assert.Contains("Permission denied (publickey).", check.Detail);
        }

        [Fact]
        public void AFailedTransferFailsTheBandwidthCheck()
        {
            var link = Link();
            link.BandwidthError = "'the timed transfer over ssh' failed on xl-a (exit code 124).";

            var check = LinkChecks.Bandwidth(true, Hosts.Xl("xl-a"), Hosts.Xl("xl-b"), link, Hosts.ComXp1());

            Assert.Equal(ReadinessStatus.Fail, check.Status);
            Assert.Equal("Not checked: " + link.BandwidthError, check.Detail);
        }
    }
}
