using System.Linq;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using Xunit;

namespace XenPS.Tests.Readiness
{
    public class ReadinessPlanTests
    {
        /// <summary>A report of <paramref name="domain"/> that passes every check, its memory alone as given.</summary>
        private static ReadinessReport Report(string domain, string destination, long requiredMB, long freeMB, long balloonMB = 0, long? ceilingMB = null, string source = "dom0-a")
        {
            var fit = new MemoryFit { MemoryMB = requiredMB, FreeMB = freeMB, BalloonMB = balloonMB, CeilingMB = ceilingMB };
            return new ReadinessReport
            {
                Domain = domain,
                Source = source,
                Destination = destination,
                Memory = fit,
                Checks = new[]
                {
                    CheckResult.Pass(ReadinessCheckId.NameFree, $"{destination} has no domain named {domain}."),
                    fit.Fits ? CheckResult.Pass(ReadinessCheckId.Memory, $"{domain} fits alone.") : CheckResult.Fail(ReadinessCheckId.Memory, $"{domain} does not fit.", "Free memory."),
                    CheckResult.Pass(ReadinessCheckId.Cpu, "Same CPUs."),
                },
            };
        }

        private static ReadinessCheck Check(ReadinessReport report, string id) => report.Checks.Single(c => c.Id == id);

        [Fact]
        public void TwoGuestsThatFitAloneButNotTogetherRefuseTheSecond()
        {
            var g1 = Report("g1", "dom0-b", 300, 510);
            var g2 = Report("g2", "dom0-b", 300, 510);

            ReadinessPlan.CountTogether(new[] { g1, g2 });

            Assert.True(g1.IsReady);
            Assert.False(g2.IsReady);
            Assert.Equal(210, g2.Memory!.AvailableMB);
            Assert.Equal(new[] { "g1 (300 MiB)" }, g2.Memory.CountedBefore);
            Assert.Contains("g1 (300 MiB) of the same batch go to dom0-b before g2, and leave 210 MiB: 90 MiB are missing for g2.", Check(g2, ReadinessCheckId.Memory).Detail);
            Assert.Contains("Move g2 to another destination", Check(g2, ReadinessCheckId.Memory).Remedy);
        }

        [Fact]
        public void AMemoryCheckWaivedWithSkipCheckStaysAWarningInTheBatch()
        {
            var g1 = Report("g1", "dom0-b", 300, 510);
            var g2 = Report("g2", "dom0-b", 300, 510);
            g2.WaiverRequest = new[] { "memory" };

            ReadinessPlan.CountTogether(new[] { g1, g2 });

            var memory = Check(g2, ReadinessCheckId.Memory);
            Assert.True(g2.IsReady);
            Assert.Equal(ReadinessStatus.Warning, memory.Status);
            Assert.True(memory.Waived);
            Assert.Contains("90 MiB are missing for g2.", memory.Detail);
            Assert.Equal(new[] { ReadinessCheckId.Memory }, g2.WaivedChecks);
        }

        [Fact]
        public void EachReportShowsItsShareAndWhatIsLeftAfterIt()
        {
            var reports = new[] { Report("g1", "dom0-b", 100, 510), Report("g2", "dom0-b", 150, 510), Report("g3", "dom0-b", 200, 510) };

            ReadinessPlan.CountTogether(reports);

            Assert.All(reports, r => Assert.True(r.IsReady));
            Assert.Equal(new long[] { 410, 260, 60 }, reports.Select(r => r.Memory!.RemainingMB));
            Assert.EndsWith("g1 (100 MiB), g2 (150 MiB) of the same batch go to dom0-b before g3: 260 MiB are left for it, and 60 MiB after it.", Check(reports[2], ReadinessCheckId.Memory).Detail);
            Assert.Equal("g1 fits alone.", Check(reports[0], ReadinessCheckId.Memory).Detail);
        }

        [Fact]
        public void XendTakesFreeMemoryFirstAndBalloonsDom0ForTheRest()
        {
            var reports = new[] { Report("g1", "dom0-b", 300, 100, 400), Report("g2", "dom0-b", 250, 100, 400), Report("g3", "dom0-b", 150, 100, 400) };

            ReadinessPlan.CountTogether(reports);

            Assert.Equal(0, reports[1].Memory!.FreeMB);
            Assert.Equal(200, reports[1].Memory!.BalloonMB);
            Assert.False(reports[1].IsReady);
            Assert.True(reports[2].IsReady);
            Assert.Equal(50, reports[2].Memory!.RemainingMB);
        }

        [Fact]
        public void XendsCeilingStaysWhateverTheBatchTook()
        {
            var reports = new[] { Report("g1", "dom0-b", 100, 1000, 0, ceilingMB: 300), Report("g2", "dom0-b", 300, 1000, 0, ceilingMB: 300) };

            ReadinessPlan.CountTogether(reports);

            Assert.True(reports[0].IsReady);
            Assert.Equal(299, reports[1].Memory!.AllowedMB);
            Assert.False(reports[1].IsReady);
        }

        [Fact]
        public void AGuestThatCannotMoveTakesNoMemoryFromTheOnesAfterIt()
        {
            var g1 = Report("g1", "dom0-b", 300, 510);
            g1.Checks = g1.Checks.Select(c => c.Id == ReadinessCheckId.Cpu ? CheckResult.Fail(c.Id, "dom0-b lacks sse4a.", "Choose another destination.") : c).ToArray();
            var g2 = Report("g2", "dom0-b", 300, 510);

            ReadinessPlan.CountTogether(new[] { g1, g2 });

            Assert.True(g2.IsReady);
            Assert.Equal(510, g2.Memory!.AvailableMB);
            Assert.Empty(g2.Memory.CountedBefore);
        }

        [Fact]
        public void EachDestinationIsCountedOnItsOwn()
        {
            var reports = new[] { Report("g1", "dom0-b", 300, 510), Report("g2", "DOM0-C", 300, 510), Report("g3", "dom0-c", 300, 510) };

            ReadinessPlan.CountTogether(reports);

            Assert.True(reports[0].IsReady);
            Assert.True(reports[1].IsReady);
            Assert.False(reports[2].IsReady);
        }

        [Fact]
        public void TwoGuestsOfOneNameNeverGoToOneHost()
        {
            var first = Report("web", "dom0-b", 10, 510, source: "dom0-a");
            var second = Report("web", "dom0-b", 10, 510, source: "dom0-c");

            ReadinessPlan.CountTogether(new[] { first, second });

            Assert.True(first.IsReady);
            Assert.Equal(ReadinessStatus.Fail, Check(second, ReadinessCheckId.NameFree).Status);
            Assert.Contains("Another domain named web goes to dom0-b in the same batch", Check(second, ReadinessCheckId.NameFree).Detail);
        }

        [Fact]
        public void AnEvacuationPlacesTheLargestFirstWhereMostMemoryIsLeft()
        {
            var sizes = new long[] { 100, 400, 300, 200, 300, 200 };
            var candidates = sizes.Select((mb, i) => new[] { Report($"g{i}", "dom0-b", mb, 1000), Report($"g{i}", "dom0-c", mb, 600) }).ToArray();

            var plan = ReadinessPlan.Place(candidates);

            Assert.All(plan, p => Assert.NotNull(p.Chosen));
            Assert.Equal(new[] { "g0", "g1", "g2", "g3", "g4", "g5" }, plan.Select(p => p.Domain));
            Assert.Equal("dom0-b", plan[1].Chosen!.Destination);
            Assert.Equal(1000, plan.Where(p => p.Chosen!.Destination == "dom0-b").Sum(p => p.Chosen!.Memory!.RequiredMB));
            Assert.Equal(500, plan.Where(p => p.Chosen!.Destination == "dom0-c").Sum(p => p.Chosen!.Memory!.RequiredMB));
            Assert.All(plan, p => Assert.True(p.Chosen!.IsReady));
        }

        [Fact]
        public void AGuestGoesOnlyWhereEveryOtherCheckPasses()
        {
            var onB = Report("g1", "dom0-b", 100, 1000);
            onB.Checks = onB.Checks.Select(c => c.Id == ReadinessCheckId.Cpu ? CheckResult.Fail(c.Id, "dom0-b lacks sse4a.", "Choose another destination.") : c).ToArray();

            var plan = ReadinessPlan.Place(new[] { new[] { onB, Report("g1", "dom0-c", 100, 200) } });

            Assert.Equal("dom0-c", plan[0].Chosen!.Destination);
        }

        [Fact]
        public void AGuestNoDestinationCanTakeIsLeftWithEveryReport()
        {
            var plan = ReadinessPlan.Place(new[]
            {
                new[] { Report("big", "dom0-b", 500, 600), Report("big", "dom0-c", 500, 550) },
                new[] { Report("huge", "dom0-b", 700, 600), Report("huge", "dom0-c", 700, 550) },
                new[] { Report("more", "dom0-b", 200, 600), Report("more", "dom0-c", 200, 550) },
            });

            Assert.Null(plan[1].Chosen);
            Assert.All(plan[1].Candidates, r => Assert.False(r.IsReady));
            Assert.Equal("dom0-b", plan[0].Chosen!.Destination);
            Assert.Equal("dom0-c", plan[2].Chosen!.Destination);
        }
    }
}
