using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Migration
{
    /// <summary>The choice of the migration target: the candidates, the script on a real shell, and what is read back.</summary>
    public class MigrationTargetProbeTests
    {
        private static readonly DestinationIdentity Identity = new DestinationIdentity { HostName = "dom0-b", Addresses = new[] { "10.1.0.12", "198.18.0.12" } };

        [Fact]
        public void CandidatesFollowTheOrderRelocationAddressNameHostNameAddresses()
        {
            var candidates = MigrationTargetProbe.Candidates(null, Toolstack.Xm, "10.1.0.12", "fwd-dom0-b", Identity);

            Assert.Equal(new[] { "10.1.0.12", "fwd-dom0-b", "dom0-b", "198.18.0.12" }, candidates.Select(c => c.Host));
            Assert.Equal(
                new[] { MigrationTargetOrigin.RelocationAddress, MigrationTargetOrigin.DestinationName, MigrationTargetOrigin.DestinationHostName, MigrationTargetOrigin.DestinationAddress },
                candidates.Select(c => c.Origin));
        }

        [Fact]
        public void XlHasNoRelocationAddressAndAnExplicitTargetIsTheOnlyCandidate()
        {
            Assert.Equal(new[] { "DOM0-B", "10.1.0.12", "198.18.0.12" }, MigrationTargetProbe.Candidates(null, Toolstack.Xl, "10.9.9.9", "DOM0-B", Identity).Select(c => c.Host));
            var only = Assert.Single(MigrationTargetProbe.Candidates("192.168.3.10", Toolstack.Xm, "10.1.0.12", "dom0-b", Identity));
            Assert.Equal(MigrationTargetOrigin.Explicit, only.Origin);
        }

        [Fact]
        public void ValuesThatAreNoHostNameNeverBecomeCandidates()
        {
            var hostile = new DestinationIdentity { HostName = "$(touch /tmp/x)", Addresses = new[] { "-oProxyCommand=x" } };

            var candidates = MigrationTargetProbe.Candidates(null, Toolstack.Xl, null, "dom0_b", hostile);

            Assert.Empty(candidates);
        }

        [Theory]
        [InlineData("dom0-b", null)]
        [InlineData("dom0-b.lab.example", null)]
        [InlineData("198.18.0.12", null)]
        [InlineData("2001:db8::2", null)]
        [InlineData("-oProxyCommand=touch /tmp/x", "neither an IP address nor a host name")]
        [InlineData("dom0-b:8002", "neither an IP address nor a host name")]
        [InlineData("a b", "neither an IP address nor a host name")]
        [InlineData("$(reboot)", "neither an IP address nor a host name")]
        [InlineData("", "is empty")]
        [InlineData("dom0-b\n", "neither an IP address nor a host name")]
        [InlineData("198.18.0.12\n", "neither an IP address nor a host name")]
        public void OnlyHostNamesAndAddressesAreTargets(string value, string? problem)
        {
            var found = MigrationTarget.ProblemWith(value);

            if (problem is null) Assert.Null(found);
            else Assert.Contains(problem, found);
            Assert.Equal(problem is null, MigrationTargetProbe.IsHostOrAddress(value));
        }

        [Fact]
        public void TheDestinationsAddressesComeFromIpAddrIPv4First()
        {
            var sections = new Dictionary<string, RemoteResult>
            {
                ["hostname"] = new RemoteResult(0, "dom0-b\n", ""),
                ["addresses"] = new RemoteResult(0,
                    "2: peth0    inet6 2001:db8::12/64 scope global \\       valid_lft forever preferred_lft forever\n" +
                    "2: peth0    inet 198.18.0.12/24 brd 198.18.0.255 scope global peth0\\       valid_lft forever preferred_lft forever\n" +
                    "3: mig0    inet 10.1.0.12/24 scope global mig0\\       valid_lft forever preferred_lft forever\n", ""),
            };

            var identity = MigrationTargetProbe.ReadDestination(sections);

            Assert.Equal("dom0-b", identity.HostName);
            Assert.Equal(new[] { "198.18.0.12", "10.1.0.12", "2001:db8::12" }, identity.Addresses);
        }

        [Theory]
        [InlineData("198.18.0.12 via 198.18.0.1 dev eth0 src 198.18.1.5 uid 0 cache", "198.18.1.5")]
        [InlineData("2001:db8::2 from :: dev eth0 proto kernel src 2001:db8::1 metric 256 pref medium", "2001:db8::1")]
        [InlineData("RTNETLINK answers: Network is unreachable", null)]
        [InlineData("sh: 1: ip: not found", null)]
        public void RouteSourceIsTheAddressAfterSrc(string route, string? expected)
        {
            Assert.Equal(expected, MigrationTargetProbe.RouteSource(route));
        }

        [Fact]
        public async Task AnExplicitLoopbackTargetThatListensIsChosenWithItsRoute()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var plan = new TargetPlan { Toolstack = Toolstack.Xm, RelocationPort = Port(listener), Candidates = new[] { new TargetCandidate("127.0.0.1", MigrationTargetOrigin.Explicit) } };

            var choice = await ChooseAsync(plan);

            Assert.Null(choice.Error);
            Assert.Equal($"127.0.0.1:{Port(listener)}", choice.Target!.ToString());
            Assert.Equal("127.0.0.1", choice.Target.Address);
            Assert.Equal("given with -MigrationTarget", choice.Target.Reason);
            Assert.Equal("127.0.0.1", choice.SourceAddress);
        }

        [Fact]
        public async Task WithoutAnExplicitTargetTheSourceItselfAndUnknownNamesAreRefusedWithEveryCandidateInTheError()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var plan = new TargetPlan
            {
                Toolstack = Toolstack.Xm,
                RelocationPort = Port(listener),
                Candidates = new[] { new TargetCandidate("no-such-host.invalid", MigrationTargetOrigin.DestinationName), new TargetCandidate("127.0.0.1", MigrationTargetOrigin.DestinationAddress) },
            };

            var choice = await ChooseAsync(plan);

            Assert.Null(choice.Target);
            Assert.Equal(new[] { "unresolved", "self" }, choice.Tries.Select(t => t.Outcome));
            Assert.Equal(
                "No way from dom0-a to dom0-b was found: no-such-host.invalid does not resolve on dom0-a; 127.0.0.1 is dom0-a itself there (127.0.0.1). " +
                "Give -MigrationTarget with dom0-b's name or address as dom0-a reaches it (for example its address on the migration network).", choice.Error);
        }

        [Fact]
        public async Task AHostThatRefusesThePortIsChosenWhenNothingAccepts()
        {
            var plan = new TargetPlan { Toolstack = Toolstack.Xm, RelocationPort = UnusedPort(), Candidates = new[] { new TargetCandidate("127.0.0.1", MigrationTargetOrigin.Explicit) } };

            var choice = await ChooseAsync(plan);

            Assert.Equal("refused", choice.Chosen!.Outcome);
            Assert.Equal("Connection refused", choice.Chosen.Message);
            Assert.NotNull(choice.Target);
        }

        [Fact]
        public async Task XlTakesThePortFromTheSourcesOwnSsh()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var plan = new TargetPlan
            {
                Toolstack = Toolstack.Xl,
                SshCommand = $"ssh -F /dev/null -p {Port(listener)}",
                Candidates = new[] { new TargetCandidate("127.0.0.1", MigrationTargetOrigin.Explicit) },
            };

            var choice = await ChooseAsync(plan);

            Assert.Equal("open", choice.Chosen!.Outcome);
            Assert.Equal(Port(listener), choice.Target!.Port);
            Assert.Equal(Toolstack.Xl, choice.Target.Toolstack);
        }

        [Fact]
        public async Task XlTakesANameThatTheSourcesSshReachesThroughItsOwnProxyWithoutATcpTest()
        {
            var config = System.IO.Path.GetTempFileName();
            try
            {
                System.IO.File.WriteAllText(config, "Host xen-b\n    HostName xen-b.internal.invalid\n    ProxyJump gate.invalid\n");
                var plan = new TargetPlan
                {
                    Toolstack = Toolstack.Xl,
                    SshCommand = $"ssh -F {config}",
                    Candidates = new[] { new TargetCandidate("no-such-host.invalid", MigrationTargetOrigin.DestinationName), new TargetCandidate("xen-b", MigrationTargetOrigin.DestinationHostName) },
                };

                var choice = await ChooseAsync(plan);

                Assert.Equal(new[] { "unresolved", "proxied" }, choice.Tries.Select(t => t.Outcome));
                Assert.Equal("xen-b", choice.Target!.Host);
                Assert.Equal("gate.invalid", choice.Chosen!.Message);
                Assert.Null(choice.SourceAddress);
            }
            finally
            {
                System.IO.File.Delete(config);
            }
        }

        [Fact]
        public void ANameTheSourcesSshTranslatesIsShownWithItsTranslation()
        {
            var plan = new TargetPlan
            {
                Toolstack = Toolstack.Xl,
                Candidates = new[] { new TargetCandidate("xen-b", MigrationTargetOrigin.DestinationName), new TargetCandidate("dom0-b", MigrationTargetOrigin.DestinationHostName) },
            };
            var output = "0.candidate=xen-b\n0.host=xen-b.mgmt\n0.port=22\n0.user=root\n0.address=\n0.outcome=unresolved\n0.message=\n" +
                         "1.candidate=dom0-b\n1.host=dom0-b\n1.port=22\n1.user=root\n1.address=10.1.0.12\n1.outcome=open\n1.message=\n" +
                         "chosen=1\nroute=10.1.0.12 dev mig0 src 10.1.0.11 uid 0 \n";

            var choice = MigrationTargetProbe.Read(plan, new RemoteResult(0, output, ""), "dom0-a", "xen-b");

            Assert.Equal("dom0-b:22", choice.Target!.ToString());
            Assert.Equal(MigrationTargetOrigin.DestinationHostName, choice.Target.Origin);
            Assert.Equal("xen-b's own host name; before it xen-b (ssh on dom0-a makes it xen-b.mgmt) does not resolve on dom0-a", choice.Target.Reason);
            Assert.Equal("10.1.0.11", choice.SourceAddress);
        }

        [Fact]
        public void NoCandidateAtAllAsksForTheParameter()
        {
            var choice = MigrationTargetProbe.Read(new TargetPlan(), new RemoteResult(3, "chosen=\n", ""), "dom0-a", "dom0-b");

            Assert.Null(choice.Target);
            Assert.Equal("XenPS has no name or address of dom0-b to try from dom0-a. Give -MigrationTarget with dom0-b's name or address as dom0-a reaches it.", choice.Error);
        }

        private static async Task<TargetChoice> ChooseAsync(TargetPlan plan)
        {
            var sections = await new RemoteBatch().Add("target", MigrationTargetProbe.Command(plan))
                .RunAsync(new LocalShell(), new RemoteRunOptions(), CancellationToken.None);
            return MigrationTargetProbe.Read(plan, sections["target"], "dom0-a", "dom0-b");
        }

        private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

        private static int UnusedPort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return Port(probe);
        }
    }
}
