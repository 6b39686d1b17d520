using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Migration
{
    public class MigrationBatchTests
    {
        /// <summary>
        /// A session that is never connected: the batch hands it on to the migration function only, and XenSession has no
        /// constructor outside an SSH connection.
        /// </summary>
        private static readonly XenSession Unconnected = (XenSession)RuntimeHelpers.GetUninitializedObject(typeof(XenSession));

        private static List<MigrationRequest> Requests(params string[] domains) =>
            domains.Select(d => new MigrationRequest(Unconnected, Unconnected, d)).ToList();

        private static MigrationResult Succeeded(MigrationRequest request) =>
            new MigrationResult { Domain = request.Domain, Status = MigrationStatus.Succeeded, DomainLocation = DomainLocation.Destination };

        private static List<MigrationEvent> RunAll(MigrationBatch batch) => batch.Run(CancellationToken.None).ToList();

        [Fact]
        public async Task NoMoreThanTheThrottleLimitRunAtOnce()
        {
            var running = 0;
            var most = 0;
            var batch = new MigrationBatch(Requests("a", "b", "c", "d", "e", "f", "g"), 3, async (request, progress, log, ct) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Delay(200, ct);
                Interlocked.Decrement(ref running);
                return Succeeded(request);
            });

            var events = new ConcurrentQueue<MigrationEvent>();
            await batch.RunAsync(events.Enqueue, CancellationToken.None);

            Assert.Equal(3, most);
            Assert.Equal(new[] { "a", "b", "c", "d", "e", "f", "g" }, events.OfType<MigrationResultEvent>().Select(e => e.Result.Domain).OrderBy(d => d));
        }

        [Fact]
        public void WithALimitOfOneTheMigrationsRunOneAfterTheOtherInTheOrderOfTheRequests()
        {
            // The plan of several destinations lists the largest guest first, and -ThrottleLimit 1 moves the guests one
            // after the other: in that order, whatever order the thread pool runs the workers in.
            var domains = Enumerable.Range(1, 8).Select(i => "ev" + i).ToArray();
            for (var run = 0; run < 40; run++)
            {
                var started = new ConcurrentQueue<string>();
                var batch = new MigrationBatch(Requests(domains), 1, async (request, progress, log, ct) =>
                {
                    started.Enqueue(request.Domain);
                    await Task.Yield();
                    return Succeeded(request);
                });

                var events = RunAll(batch);

                Assert.Equal(domains, started);
                Assert.Equal(domains, events.OfType<MigrationResultEvent>().Select(e => e.Result.Domain));
            }
        }

        [Fact]
        public void AnExceptionOfOneMigrationBecomesAnErrorEventAndTheOthersStillComplete()
        {
            var broken = new XenParseException("xl list -l printed no JSON.");
            var batch = new MigrationBatch(Requests("web1", "db1", "web2"), 1, async (request, progress, log, ct) =>
            {
                await Task.Yield();
                progress(new MigrationProgress(request.Domain, 0, "started"));
                if (request.Domain == "db1") throw broken;
                log($"{request.Domain} moved");
                return Succeeded(request);
            });

            var events = RunAll(batch);

            var error = Assert.Single(events.OfType<MigrationErrorEvent>());
            Assert.Equal(("db1", 1), (error.Domain, error.Index));
            Assert.Same(broken, error.Exception);
            // The workers take the throttle in whatever order the thread pool starts them.
            Assert.Equal(new[] { "web1", "web2" }, events.OfType<MigrationResultEvent>().Select(e => e.Result.Domain).OrderBy(d => d, StringComparer.Ordinal));
            Assert.Equal(new[] { "web1 moved", "web2 moved" }, events.OfType<MigrationLogEvent>().Select(e => e.Line).OrderBy(l => l, StringComparer.Ordinal));
            var last = events.OfType<MigrationProgressEvent>().GroupBy(e => e.Index).ToDictionary(g => g.Key, g => g.Last());
            Assert.All(last.Values, e => Assert.True(e.Completed));
            Assert.Equal(new[] { "Succeeded", "Failed", "Succeeded" }, last.OrderBy(p => p.Key).Select(p => p.Value.Status));
        }

        [Fact]
        public void AnErrorEventFollowsTheCompletedProgressOfItsMigration()
        {
            var batch = new MigrationBatch(Requests("web1"), 2, (request, progress, log, ct) => throw new InvalidOperationException("no"));

            var events = RunAll(batch);

            Assert.Collection(events,
                e => Assert.True(Assert.IsType<MigrationProgressEvent>(e).Completed),
                e => Assert.IsType<InvalidOperationException>(Assert.IsType<MigrationErrorEvent>(e).Exception));
        }

        [Fact]
        public async Task AMigrationUnderWayIsStartedUntilItEnds()
        {
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var batch = new MigrationBatch(Requests("web1"), 1, async (request, progress, log, ct) =>
            {
                request.Started!(new StartedMigration(request.Domain, "xl-a", "xl-b", "xl migrate", "/var/run/xenps/migrate-1/log"));
                started.SetResult(true);
                await release.Task;
                return Succeeded(request);
            });

            var run = batch.RunAsync(_ => { }, CancellationToken.None);
            await started.Task;
            var during = batch.Started.StoppedWatching();
            release.SetResult(true);
            await run;

            Assert.StartsWith("web1: XenPS stopped watching, but xl migrate goes on on xl-a.", Assert.Single(during));
            Assert.Empty(batch.Started.StoppedWatching());
        }

        [Fact]
        public async Task CancellingStopsTheWatchWithoutErrorEvents()
        {
            using var cancellation = new CancellationTokenSource();
            var batch = new MigrationBatch(Requests("web1", "web2"), 1, async (request, progress, log, ct) =>
            {
                cancellation.Cancel();
                await Task.Delay(Timeout.Infinite, ct);
                return Succeeded(request);
            });

            var events = new ConcurrentQueue<MigrationEvent>();
            await batch.RunAsync(events.Enqueue, cancellation.Token);

            Assert.Empty(events);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
