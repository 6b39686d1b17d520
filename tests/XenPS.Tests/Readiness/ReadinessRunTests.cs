using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Tests.Sessions;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Readiness
{
    /// <summary>Whole requests: the round trips in order, counted, and one report per domain.</summary>
    public class ReadinessRunTests
    {
        private static readonly Regex RoundTrip = new Regex("^(?<host>[^:]+): SSH round trip (?<n>[0-9]+): .+$");

        [Fact]
        public async Task AnXlPairOnSimulatedDom0sPassesWithTwoRoundTripsEach()
        {
            using var folder = new TempFolder();
            var image = folder.Write("shared/tiny.img", "disk");
            var profile = folder.Write("profile.json", Profile(image));
            using var sshPort = new TcpListener(IPAddress.Loopback, 0);
            sshPort.Start();
            var source = new ReadinessEndpoint(Name: "xl-a", Shell: SimulatedDom0.Create(folder.Path, profile, "xl-a"), HostName: "127.0.0.1", Port: 22);
            var destination = new ReadinessEndpoint(Name: "xl-b", Shell: SimulatedDom0.Create(folder.Path, profile, "xl-b"), HostName: "localhost");
            var log = new List<string>();

            // Both simulated dom0s are this machine: the source reaches the destination only at an explicit loopback target, its
            // "SSH port" the listener above as the source's own ssh (-p) sees it.
            var request = new ReadinessRequest
            {
                Domains = new[] { "tiny", "ghost" },
                MigrationTarget = "127.0.0.1",
                SshCommand = $"ssh -F /dev/null -p {((IPEndPoint)sshPort.LocalEndpoint).Port}",
            };

            var reports = await ReadinessChecker.CheckAsync(source, destination, request, log.Add, CancellationToken.None);

            Assert.Equal(new[] { "xl-a: 1", "xl-b: 1", "xl-a: 2", "xl-b: 2" }, RoundTrips(log));
            Assert.Equal(new[] { "tiny", "ghost" }, reports.Select(r => r.Domain));
            var tiny = reports[0];
            Assert.Equal("xl-a", tiny.Source);
            Assert.Equal("xl-b", tiny.Destination);
            Assert.Equal(ReadinessCheckId.All, tiny.Checks.Select(c => c.Id));
            foreach (var id in new[] { "HostsReachable", "ToolstackMatch", "XenVersion", "ToolPaths", "DomainState", "PciPassthrough", "NameFree", "SharedStorage", "Memory", "Cpu", "Network" })
            {
                Assert.True(Status(tiny, id) == ReadinessStatus.Pass, $"{id}: {tiny.Checks.Single(c => c.Id == id).Detail}");
            }
            Assert.Equal(ReadinessStatus.Skipped, Status(tiny, "XendRunning"));
            Assert.Equal(ReadinessStatus.Skipped, Status(tiny, "Relocation"));
            Assert.Equal(ReadinessStatus.Skipped, Status(tiny, "Bridges"));
            Assert.Equal(ReadinessStatus.Skipped, Status(tiny, "Bandwidth"));
            Assert.Null(tiny.EstimatedDuration);
            Assert.Equal($"127.0.0.1:{((IPEndPoint)sshPort.LocalEndpoint).Port}", tiny.MigrationTarget!.ToString());
            Assert.StartsWith($"Migration target 127.0.0.1:{((IPEndPoint)sshPort.LocalEndpoint).Port} (given with -MigrationTarget): xl-a reaches", tiny.Checks.Single(c => c.Id == "Network").Detail);
            Assert.Equal("no domain named ghost on xl-a", reports[1].Checks.Single(c => c.Id == "DomainState").Detail);
            Assert.False(reports[1].IsReady);
            Assert.Equal("DomainNotFound", reports[1].ErrorId);
            Assert.Null(tiny.ErrorId);
            Assert.Equal(new[] { "tiny.img" }, Directory.GetFileSystemEntries(Path.GetDirectoryName(image)!).Select(Path.GetFileName));
        }

        [Fact]
        public async Task AReadOnlyRequestWritesNoMarkerAndSkipsSharedStorageSayingWhy()
        {
            using var folder = new TempFolder();
            var image = folder.Write("shared/tiny.img", "disk");
            var profile = folder.Write("profile.json", Profile(image));
            var source = new ReadinessEndpoint(Name: "xl-a", Shell: SimulatedDom0.Create(folder.Path, profile, "xl-a"), HostName: "127.0.0.1");
            var destination = new ReadinessEndpoint(Name: "xl-b", Shell: SimulatedDom0.Create(folder.Path, profile, "xl-b"), HostName: "localhost");
            var log = new List<string>();

            var reports = await ReadinessChecker.CheckAsync(source, destination, new ReadinessRequest { Domains = new[] { "tiny" }, ReadOnly = true }, log.Add, CancellationToken.None);

            var storage = reports[0].Checks.Single(c => c.Id == ReadinessCheckId.SharedStorage);
            Assert.Equal(ReadinessStatus.Skipped, storage.Status);
            Assert.StartsWith(ReadinessChecker.NotRunReadOnly + ": it writes a marker file", storage.Detail);
            Assert.DoesNotContain(log, line => line.Contains("marker"));
            Assert.Equal(new[] { "xl-a: 1", "xl-b: 1", "xl-a: 2" }, RoundTrips(log));
        }

        [Fact]
        public async Task MarkersAreRemovedInAThirdRoundTripWhenTheDestinationDropsOut()
        {
            using var folder = new TempFolder();
            var image = folder.Write("shared/tiny.img", "disk");
            var profile = folder.Write("profile.json", Profile(image));
            var source = new ReadinessEndpoint(Name: "xl-a", Shell: SimulatedDom0.Create(folder.Path, profile, "xl-a"), HostName: "127.0.0.1");
            var destination = new ReadinessEndpoint(Name: "xl-b", Shell: new DropsOnCall(SimulatedDom0.Create(folder.Path, profile, "xl-b"), 2, new XenSessionException(XenSessionErrorId.ConnectionLost, "The connection to xl-b was lost.")), HostName: "127.0.0.1");
            var log = new List<string>();

            var reports = await ReadinessChecker.CheckAsync(source, destination, new ReadinessRequest { Domains = new[] { "tiny" } }, log.Add, CancellationToken.None);

            Assert.Equal(new[] { "xl-a: 1", "xl-b: 1", "xl-a: 2", "xl-b: 2", "xl-a: 3" }, RoundTrips(log));
            Assert.EndsWith("remove 1 marker file(s)", log.Last());
            Assert.Equal(new[] { "tiny.img" }, Directory.GetFileSystemEntries(Path.GetDirectoryName(image)!).Select(Path.GetFileName));
            var storage = reports.Single().Checks.Single(c => c.Id == ReadinessCheckId.SharedStorage);
            Assert.Equal("Not checked: xl-b did not answer the readiness probe: The connection to xl-b was lost.", storage.Detail);
        }

        [Fact]
        public async Task ACancelledRequestStillRemovesItsMarkers()
        {
            using var folder = new TempFolder();
            var image = folder.Write("shared/tiny.img", "disk");
            var profile = folder.Write("profile.json", Profile(image));
            using var cancel = new CancellationTokenSource();
            var source = new ReadinessEndpoint(Name: "xl-a", Shell: SimulatedDom0.Create(folder.Path, profile, "xl-a"), HostName: "127.0.0.1");
            var destination = new ReadinessEndpoint(Name: "xl-b", Shell: new DropsOnCall(SimulatedDom0.Create(folder.Path, profile, "xl-b"), 2, new OperationCanceledException(), cancel), HostName: "127.0.0.1");
            var log = new List<string>();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadinessChecker.CheckAsync(source, destination, new ReadinessRequest { Domains = new[] { "tiny" } }, log.Add, cancel.Token));

            Assert.EndsWith("xl-a: SSH round trip 3: remove 1 marker file(s)", log.Last());
            Assert.Equal(new[] { "tiny.img" }, Directory.GetFileSystemEntries(Path.GetDirectoryName(image)!).Select(Path.GetFileName));
        }

        /// <summary>A shell whose <c>n</c>th command fails the way a dropped connection or a Ctrl+C does.</summary>
        private sealed class DropsOnCall : IRemoteShell
        {
            private readonly IRemoteShell shell;
            private readonly int failing;
            private readonly Exception error;
            private readonly CancellationTokenSource? cancel;
            private int calls;

            public DropsOnCall(IRemoteShell shell, int failing, Exception error, CancellationTokenSource? cancel = null)
            {
                this.shell = shell;
                this.failing = failing;
                this.error = error;
                this.cancel = cancel;
            }

            public string ComputerName => shell.ComputerName;

            public Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
            {
                if (++calls != failing) return shell.RunAsync(command, options, cancellationToken);
                cancel?.Cancel();
                throw error;
            }
        }

        [Fact]
        public async Task AHostWithoutSessionIsNeverContactedAndEveryDomainGetsAReport()
        {
            var source = new ReadinessEndpoint(Name: "dom0-a", Error: "No session to dom0-a: Connection refused.");
            var destination = new ReadinessEndpoint(Name: "localhost", Shell: new LocalShell(), HostName: "127.0.0.1");
            var log = new List<string>();

            var reports = await ReadinessChecker.CheckAsync(source, destination, new ReadinessRequest { Domains = new[] { "com-xp1", "www" }, MeasureBandwidth = true }, log.Add, CancellationToken.None);

            Assert.Equal(new[] { "localhost: 1" }, RoundTrips(log));
            Assert.Equal(2, reports.Count);
            foreach (var report in reports)
            {
                Assert.False(report.IsReady);
                Assert.Equal(16, report.Checks.Count);
                var reachable = report.Checks[0];
                Assert.Equal(ReadinessStatus.Fail, reachable.Status);
                Assert.Equal("No session to dom0-a: Connection refused. localhost is not a Xen dom0: neither xm nor xl is on the PATH (/usr/sbin, /usr/bin, /sbin, /bin).", reachable.Detail);
                Assert.DoesNotContain(report.Checks, c => c.Status == ReadinessStatus.Pass);
            }
        }

        [Fact]
        public async Task TheRequestIsValidated()
        {
            await Assert.ThrowsAsync<ArgumentNullException>(() => ReadinessChecker.CheckAsync(null!, _ => { }, CancellationToken.None));
            await Assert.ThrowsAsync<ArgumentException>(() => ReadinessChecker.CheckAsync(new ReadinessRequest { DestinationName = "b", Domains = new[] { "x" } }, _ => { }, CancellationToken.None));
            await Assert.ThrowsAsync<ArgumentException>(() => ReadinessChecker.CheckAsync(new ReadinessRequest { SourceName = "a", Domains = new[] { "x" } }, _ => { }, CancellationToken.None));
        }

        [Fact]
        public async Task SessionErrorsOfTheRequestBecomeFailedChecks()
        {
            var request = new ReadinessRequest
            {
                SourceName = "dom0-a",
                SourceError = new TimeoutException("Connecting to dom0-a timed out after 30 s."),
                DestinationName = "dom0-b",
                DestinationError = new InvalidOperationException("Host key changed."),
                Domains = new[] { "com-xp1" },
            };
            var log = new List<string>();

            var reports = await ReadinessChecker.CheckAsync(request, log.Add, CancellationToken.None);

            Assert.Empty(log);
            Assert.Equal("No session to dom0-a: Connecting to dom0-a timed out after 30 s. No session to dom0-b: Host key changed.", reports.Single().Checks[0].Detail);
        }

        private static ReadinessStatus Status(ReadinessReport report, string id) => report.Checks.Single(c => c.Id == id).Status;

        /// <summary>"host: n" for each round-trip line; every other line must not look like one.</summary>
        private static IEnumerable<string> RoundTrips(IEnumerable<string> log) => log
            .Where(line => line.Contains(": SSH round trip "))
            .Select(line => RoundTrip.Match(line))
            .Select(match => match.Success ? $"{match.Groups["host"].Value}: {match.Groups["n"].Value}" : "malformed")
            .ToList();

        private static string Profile(string image) => $$"""
            {
              "name": "readiness-unit",
              "hosts": [
                {{Host("xl-a", $$"""
                  , {"name": "tiny", "domid": 1, "type": "pv", "memory": 128, "vcpus": 1, "state": "-b----", "cpu_time": 9.7, "disks": ["file:{{image}},xvda,w"]}
                  """)}},
                {{Host("xl-b", "")}}
              ]
            }
            """;

        private static string Host(string name, string guests) => $$"""
            {
              "name": "{{name}}", "toolstacks": ["xl"], "xen": {"major": 4, "minor": 17, "extra": ".5"}, "total_memory_mb": 4095,
              "cpu": {"vendor": "GenuineIntel", "family": 6, "model": 85, "stepping": 7, "model_name": "Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz",
                      "mhz": 2194.843, "cache_kb": 16896, "sockets": 1, "cores_per_socket": 4, "threads_per_core": 1},
              "bridges": ["xenbr0"],
              "domains": [
                {"name": "Domain-0", "memory": 1024, "maxmem": 1024, "vcpus": 4, "state": "r-----", "cpu_time": 733.9}{{guests}}
              ]
            }
            """;
    }
}
