using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Readiness
{
    [Collection(LoopbackPorts.Name)]
    public class LinkProbeTests
    {
        private static readonly RemoteRunOptions Options = new RemoteRunOptions { NeedsRoot = true };

        [Fact]
        public async Task TheConnectionTestsTellAnAcceptingServerFromOneThatClosesAndFromNone()
        {
            using var holds = new TcpListener(IPAddress.Loopback, 0);
            using var closes = new TcpListener(IPAddress.Loopback, 0);
            holds.Start();
            closes.Start();
            var closesPort = ((IPEndPoint)closes.LocalEndpoint).Port;
            var holdsPort = ((IPEndPoint)holds.LocalEndpoint).Port;
            using var stop = new CancellationTokenSource();
            var rejecting = RejectAsync(closes, stop.Token);
            var accepted = holds.AcceptTcpClientAsync(stop.Token).AsTask();
            int unusedPort;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                unusedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var open = await RunAsync(Relocation(holdsPort));
            var closed = await RunAsync(Relocation(closesPort));
            var refused = await RunAsync(Relocation(unusedPort));
            stop.Cancel();

            Assert.Equal(ConnectOutcome.Open, open.TargetPort!.Outcome);
            Assert.Equal(ConnectOutcome.Open, open.RelocationPort!.Outcome);
            Assert.Equal($"127.0.0.1:{holdsPort}", open.RelocationPort.Target);
            Assert.Equal($"127.0.0.1:{holdsPort}", open.Target!.Target!.ToString());
            Assert.Equal(ConnectOutcome.Open, closed.TargetPort!.Outcome);
            Assert.Equal(ConnectOutcome.Closed, closed.RelocationPort!.Outcome);
            Assert.Equal(ConnectOutcome.Refused, refused.TargetPort!.Outcome);
            Assert.Equal(ConnectOutcome.Refused, refused.RelocationPort!.Outcome);
            Assert.Equal("Connection refused", refused.RelocationPort.Message);
            Assert.Null(open.Ssh);
            (await accepted).Dispose();
            try
            {
                await rejecting;
            }
            catch (System.OperationCanceledException)
            {
            }
        }

        /// <summary>Closes every connection at once, as xend does with a host its hosts-allow refuses.</summary>
        private static async Task RejectAsync(TcpListener listener, CancellationToken cancellationToken)
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
        }

        [Fact]
        public void TheTestsGoToTheChosenTargetAndTakeNoValueAsScriptText()
        {
            var batch = LinkProbe.AddSections(new RemoteBatch(), new LinkPlan
            {
                Target = new TargetPlan { Toolstack = Toolstack.Xl, Candidates = new[] { new TargetCandidate("xl-b", MigrationTargetOrigin.DestinationName) } },
                SshLogin = true,
                SshCommand = "command -v xl",
                MeasureBandwidth = true,
            });

            Assert.Contains("\nxenps_target 'xl' '8002' '' 'no' 'xl-b'\n", batch.Script);
            Assert.Contains("timeout 20 $t_ssh -n -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=yes -- \"$t_host\" 'command -v xl'", batch.Script);
            Assert.Contains("dd if=/dev/zero bs=1M count=256 2>/dev/null | timeout 40 $t_ssh -o Compression=no -o BatchMode=yes", batch.Script);
        }

        [Theory]
        [InlineData(0, "", ConnectOutcome.Open)]
        [InlineData(0, "open\n", ConnectOutcome.Open)]
        [InlineData(0, "answered\n", ConnectOutcome.Open)]
        [InlineData(0, "closed\n", ConnectOutcome.Closed)]
        [InlineData(3, "", ConnectOutcome.Refused)]
        [InlineData(1, "", ConnectOutcome.Refused)]
        [InlineData(124, "", ConnectOutcome.TimedOut)]
        [InlineData(127, "", ConnectOutcome.Unavailable)]
        public void ConnectResultsAreReadFromTheExitCodeAndTheWord(int exitCode, string stdout, object expected)
        {
            var test = LinkProbe.ReadConnect("10.0.0.2:8002", new RemoteResult(exitCode, stdout, ""));

            Assert.Equal((ConnectOutcome)expected, test.Outcome);
        }

        [Theory]
        [InlineData("xenps: connect: Connection refused\nxenps: line 1: /dev/tcp/10.0.0.2/8002: Connection refused\n", "Connection refused")]
        [InlineData("xenps: line 1: nohost: Temporary failure in name resolution\nxenps: line 1: /dev/tcp/nohost/22: Invalid argument\n", "Temporary failure in name resolution; Invalid argument")]
        [InlineData("timeout: failed to run command 'bash': No such file or directory\n", "No such file or directory")]
        [InlineData("", "")]
        public void BashReasonsLoseTheirPrefixes(string stderr, string expected)
        {
            Assert.Equal(expected, LinkProbe.Reasons(stderr));
        }

        [Fact]
        public void TheTransferIsTimedOnTheDestination()
        {
            var facts = new LinkFacts();

            LinkProbe.ReadBandwidth(facts, new RemoteResult(0, "bytes=268435456 start=1732560000000000000 end=1732560002500000000\n", ""), "xl-a");

            Assert.Null(facts.BandwidthError);
            Assert.Equal(268435456, facts.Bandwidth!.Bytes);
            Assert.Equal(2.5, facts.Bandwidth.Seconds, 6);
        }

        [Theory]
        [InlineData(0, "bytes=268435456 start=1732560000N end=1732560002N\n", "the destination's date may not support %N")]
        [InlineData(0, "bytes=0 start=1 end=2\n", "printed no usable count")]
        [InlineData(255, "", "failed on xl-a (exit code 255): no ssh login")]
        public void AnUnusableTransferSaysWhy(int exitCode, string stdout, string expected)
        {
            var facts = new LinkFacts();

            LinkProbe.ReadBandwidth(facts, new RemoteResult(exitCode, stdout, exitCode == 0 ? "" : "no ssh login to the destination\n"), "xl-a");

            Assert.Null(facts.Bandwidth);
            Assert.Contains(expected, facts.BandwidthError);
        }

        private static LinkPlan Relocation(int port) => new LinkPlan
        {
            Target = new TargetPlan { Toolstack = Toolstack.Xm, RelocationPort = port, Candidates = new[] { new TargetCandidate("127.0.0.1", MigrationTargetOrigin.Explicit) } },
            RelocationHold = true,
        };

        private static async Task<LinkFacts> RunAsync(LinkPlan plan)
        {
            var batch = LinkProbe.AddSections(new RemoteBatch(), plan);
            var sections = await batch.RunAsync(new LocalShell(), Options, CancellationToken.None);
            return LinkProbe.Read(plan, sections, "localhost", "dom0-b");
        }
    }
}
