using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Migration
{
    /// <summary>
    /// Both probers against real TCP listeners on this machine; the dom0's loop runs in a real /bin/sh. In the collection of the
    /// other tests that take a loopback port for one that nothing listens on, so that none of them opens another's closed port.
    /// </summary>
    [Collection(LoopbackPorts.Name)]
    public class GuestProberTests
    {
        private static readonly GuestProbeSchedule Once = new GuestProbeSchedule(TimeSpan.FromMilliseconds(100), TimeSpan.Zero);
        private static readonly GuestProbeSchedule Loop = new GuestProbeSchedule(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2));

        private static GuestProbeOptions Options(int port) =>
            new GuestProbeOptions(GuestProbeTarget.Parse("127.0.0.1:" + port)) { ConnectTimeout = TimeSpan.FromSeconds(2) };

        /// <summary>A port that nothing listens on: one that was free a moment ago.</summary>
        private static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static IGuestProber[] Probers(int port) => new IGuestProber[]
        {
            new ClientGuestProber(Options(port)),
            new RemoteGuestProber(Options(port), new LocalShell(), TimeSpan.FromMinutes(2)),
        };

        [Fact]
        public async Task TheCheckIsOneAttemptAnsweredByAListener()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                foreach (var prober in Probers(((IPEndPoint)listener.LocalEndpoint).Port))
                {
                    var samples = await prober.RunAsync(Once, true, CancellationToken.None);
                    Assert.True(Assert.Single(samples).Answered, prober.GetType().Name);
                }
            }
            finally
            {
                listener.Stop();
            }
        }

        [Fact]
        public async Task TheCheckOfAClosedPortIsOneUnansweredAttempt()
        {
            foreach (var prober in Probers(ClosedPort()))
            {
                var samples = await prober.RunAsync(Once, true, CancellationToken.None);
                Assert.False(Assert.Single(samples).Answered, prober.GetType().Name);
            }
        }

        [Fact]
        public async Task AfterTheStopTheLoopWaitsUntilTheGuestAnswersAgain()
        {
            var port = ClosedPort();
            foreach (var prober in Probers(port))
            {
                var loop = prober.RunAsync(Loop, false, CancellationToken.None);
                await prober.StopAsync(CancellationToken.None);
                await Task.Delay(300);
                Assert.False(loop.IsCompleted, prober.GetType().Name);
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                try
                {
                    var samples = await loop;
                    Assert.False(samples[0].Answered);
                    Assert.True(samples[samples.Count - 1].Answered);
                    Assert.Equal(1, samples.Count(s => s.Answered));
                    Assert.True(samples.Zip(samples.Skip(1), (a, b) => b.Start >= a.End).All(x => x));
                }
                finally
                {
                    listener.Stop();
                }
            }
        }

        [Fact]
        public async Task TheLoopEndsAfterTheGraceTimeWithoutAnAnswer()
        {
            var schedule = new GuestProbeSchedule(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));
            foreach (var prober in Probers(ClosedPort()))
            {
                var loop = prober.RunAsync(schedule, false, CancellationToken.None);
                await prober.StopAsync(CancellationToken.None);
                var samples = await loop;
                Assert.NotEmpty(samples);
                Assert.DoesNotContain(samples, s => s.Answered);
            }
        }

        [Fact]
        public void TheDom0LoopGetsEveryValueAsAQuotedArgument()
        {
            var options = new GuestProbeOptions(GuestProbeTarget.Parse("com-xp1:3389"));
            var command = RemoteGuestProber.Command(options, new GuestProbeSchedule(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30)), "/tmp/stop", TimeSpan.FromSeconds(90));
            Assert.EndsWith("\nxenps_guest_probe 'com-xp1' '3389' '250' '500' '/tmp/stop' '30000' '90'", command);
        }

        [Fact]
        public void TheDom0LoopsLinesBecomeSamplesTimedFromTheFirst()
        {
            var samples = RemoteGuestProber.ParseOutput("1700000000000 1700000000004 open\n1700000000250 1700000000750 closed\n1700000000750 1700000000752 open\n1700000001");
            Assert.Equal(3, samples.Count);
            Assert.Equal(TimeSpan.Zero, samples[0].Start);
            Assert.Equal(TimeSpan.FromMilliseconds(4), samples[0].End);
            Assert.Equal(TimeSpan.FromMilliseconds(250), samples[1].Start);
            Assert.False(samples[1].Answered);
            Assert.True(samples[2].Answered);
        }

        [Theory]
        [InlineData("")]
        [InlineData("garbage\n")]
        [InlineData("12 10 open\n")]
        [InlineData("12 14 maybe\n")]
        [InlineData("-1 4 open\n")]
        public void LinesOfAnotherShapeAreLeftOut(string stdout)
        {
            Assert.Empty(RemoteGuestProber.ParseOutput(stdout));
        }
    }
}
