using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Readiness
{
    /// <summary>-SkipCheck: a waived failure becomes a warning that keeps its facts; some checks cannot be waived.</summary>
    public class CheckWaiverTests
    {
        private static readonly ReadinessCheck CpuFails = CheckResult.Fail(ReadinessCheckId.Cpu,
            "dom0-b (AMD Athlon(tm) II X2 250 Processor) lacks 1 CPU feature(s) that dom0-a gives its guests: sse4a.", "Move the guest to a host with sse4a.");

        private static readonly ReadinessCheck MemoryFails = CheckResult.Fail(ReadinessCheckId.Memory, "dom0-b has 512 MB free; com-xp1 needs 1035 MB.", "Free memory on dom0-b.");

        private static readonly ReadinessCheck NetworkPasses = CheckResult.Pass(ReadinessCheckId.Network, "dom0-a reaches dom0-b.");

        private static readonly ReadinessCheck BridgesWarns = CheckResult.Warning(ReadinessCheckId.Bridges, "one interface names no bridge.", null);

        [Fact]
        public void AWaivedFailureBecomesAWarningThatKeepsItsDetailAndRemedy()
        {
            var checks = CheckWaiver.Apply(new[] { CpuFails }, new[] { "Cpu" });

            var cpu = Assert.Single(checks);
            Assert.Equal(ReadinessCheckId.Cpu, cpu.Id);
            Assert.Equal("CPU compatibility", cpu.Name);
            Assert.Equal(ReadinessStatus.Warning, cpu.Status);
            Assert.True(cpu.Waived);
            Assert.Equal("Failed, waived with -SkipCheck Cpu: " + CpuFails.Detail, cpu.Detail);
            Assert.Equal(CpuFails.Remedy, cpu.Remedy);
            Assert.Equal(ReadinessStatus.Fail, CpuFails.Status);
        }

        [Fact]
        public void ANamedCheckThatPassedWarnedOrWasSkippedIsLeftAsItIs()
        {
            var skipped = CheckResult.Skipped(ReadinessCheckId.Bandwidth, "not requested.");

            var checks = CheckWaiver.Apply(new[] { NetworkPasses, BridgesWarns, skipped }, new[] { "Network", "Bridges", "Bandwidth" });

            Assert.Equal(new[] { NetworkPasses, BridgesWarns, skipped }, checks);
            Assert.DoesNotContain(checks, c => c.Waived);
        }

        [Fact]
        public void OnlyTheNamedFailuresAreWaived()
        {
            var checks = CheckWaiver.Apply(new[] { CpuFails, MemoryFails }, new[] { "Cpu" });

            Assert.Equal(new[] { ReadinessStatus.Warning, ReadinessStatus.Fail }, checks.Select(c => c.Status));
            Assert.Same(MemoryFails, checks[1]);
        }

        [Fact]
        public void NamesAreTakenInAnyCase()
        {
            Assert.Null(CheckWaiver.Refusal("cpu"));
            Assert.True(CheckWaiver.Apply(new[] { CpuFails }, new[] { "CPU" })[0].Waived);
        }

        [Fact]
        public void TheReportIsReadyOnceEveryFailureIsWaivedAndListsTheWaivedChecks()
        {
            var checks = new[] { NetworkPasses, CpuFails, MemoryFails };

            var partly = new ReadinessReport { Checks = CheckWaiver.Apply(checks, new[] { "Cpu" }) };
            var fully = new ReadinessReport { Checks = CheckWaiver.Apply(checks, new[] { "Memory", "Cpu" }) };

            Assert.False(partly.IsReady);
            Assert.Equal(new[] { "Cpu" }, partly.WaivedChecks);
            Assert.True(fully.IsReady);
            Assert.Equal(new[] { "Cpu", "Memory" }, fully.WaivedChecks);
            Assert.Empty(new ReadinessReport { Checks = CheckWaiver.Apply(checks, Array.Empty<string>()) }.WaivedChecks);
        }

        [Theory]
        [InlineData("HostsReachable", "no migration can start")]
        [InlineData("DomainState", "second migration of the same guest")]
        [InlineData("NameFree", "two copies of one guest on shared storage corrupt its disks")]
        [InlineData("SharedStorage", "a different disk")]
        public void ChecksThatGuardAgainstHarmCannotBeWaived(string id, string why)
        {
            var failed = CheckResult.Fail(id, "it failed.", null);

            var e = Assert.Throws<XenSessionException>(() => CheckWaiver.Apply(new[] { failed }, new[] { id.ToLowerInvariant() }));

            Assert.Same(XenSessionErrorId.CheckNotWaivable, e.ErrorId);
            Assert.StartsWith($"The {id} check cannot be waived with -SkipCheck: ", e.Message);
            Assert.Contains(why, e.Message);
            Assert.Equal(e.Message, CheckWaiver.Refusal(id));
        }

        [Fact]
        public void EveryOtherCheckCanBeWaived()
        {
            var waivable = ReadinessCheckId.All.Where(id => CheckWaiver.Refusal(id) is null).ToList();

            Assert.Equal(ReadinessCheckId.All.Except(CheckWaiver.Unwaivable.Keys), waivable);
            Assert.All(CheckWaiver.Unwaivable.Keys, id => Assert.Contains(id, ReadinessCheckId.All));
        }

        [Fact]
        public void ANameThatIsNoCheckIsRefusedWithTheNamesThatAre()
        {
            var refusal = CheckWaiver.Refusal("Cpus");

            Assert.Equal("'Cpus' is not a readiness check. Give one of: ToolstackMatch, XenVersion, ToolPaths, XendRunning, PciPassthrough, " +
                "Memory, Cpu, Bridges, Network, Relocation, SshTrust, Bandwidth.", refusal);
        }

        [Fact]
        public async Task ARequestThatWaivesAnUnwaivableCheckIsRefusedBeforeAnyHostIsAsked()
        {
            var request = new ReadinessRequest { SourceName = "dom0-a", DestinationName = "dom0-b", Domains = new[] { "com-xp1" }, WaivedChecks = new[] { "NameFree" } };
            var log = new System.Collections.Generic.List<string>();

            var e = await Assert.ThrowsAsync<XenSessionException>(() => ReadinessChecker.CheckAsync(request, log.Add, CancellationToken.None));

            Assert.Same(XenSessionErrorId.CheckNotWaivable, e.ErrorId);
            Assert.Empty(log);
        }
    }
}
