using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Sessions;
using XenPS.Core.Text;

namespace XenPS.Core.Readiness
{
    /// <summary>A halted guest read on the source, and the readiness checks that apply to moving it cold.</summary>
    /// <param name="Source">The guest's configuration file and the domain it describes.</param>
    /// <param name="Checks">The checks that apply (<see cref="ColdMoveReadiness.Applicable"/>); empty when they were skipped.</param>
    public sealed record ColdMoveCheck(ColdMoveSource Source, IReadOnlyList<ReadinessCheck> Checks)
    {
        /// <summary>Why the guest cannot move, each failed check with its remedy; null when none failed.</summary>
        public string? Problem(string destination)
        {
            var failed = Checks.Where(c => c.Status == ReadinessStatus.Fail).ToList();
            if (failed.Count == 0) return null;
            return $"{VisibleText.Shorten(Source.Name)} cannot move cold from {Source.Session.ComputerName} to {destination}: " +
                string.Join(" ", failed.Select(c => $"[{c.Id}] {c.Detail}" + (c.Remedy is null ? "" : $" Remedy: {c.Remedy}"))) +
                " Nothing was changed. Fix these, or waive them with -SkipCheck where they can be, or give -SkipReadinessCheck to move anyway.";
        }

        /// <summary>The ids of the checks that failed and were waived with -SkipCheck.</summary>
        public IReadOnlyList<string> WaivedChecks => Checks.Where(c => c.Waived).Select(c => c.Id).ToList();
    }

    /// <summary>
    /// The readiness of a cold move: the same checks as a migration's (one <see cref="ReadinessChecker"/> run, the guest described
    /// by its configuration file), of which only those about the hosts, the disks, the bridges and the name apply, and memory when
    /// the guest is to start. Whether it runs is <see cref="ColdMove.ReadSourceAsync"/>'s own check: it must not.
    /// </summary>
    public static class ColdMoveReadiness
    {
        private static readonly string[] Always =
        {
            ReadinessCheckId.HostsReachable, ReadinessCheckId.ToolstackMatch, ReadinessCheckId.ToolPaths, ReadinessCheckId.XendRunning,
            ReadinessCheckId.PciPassthrough, ReadinessCheckId.NameFree, ReadinessCheckId.SharedStorage, ReadinessCheckId.Bridges,
        };

        /// <summary>The ids of the checks that apply to a cold move, in report order; Memory only when the guest is started.</summary>
        public static IReadOnlyList<string> Applicable(bool start) =>
            ReadinessCheckId.All.Where(id => Always.Contains(id) || (start && id == ReadinessCheckId.Memory)).ToList();

        /// <summary>
        /// Reads the guest on the source, then (unless <paramref name="skipChecks"/>) checks what applies, a failure of a check named in
        /// <paramref name="waived"/> turned into a waived warning. With <paramref name="readOnly"/> (-WhatIf) the checks that write a marker
        /// on a host are not run (see <see cref="ReadinessRequest.ReadOnly"/>), and nothing is left changed either way.
        /// </summary>
        /// <exception cref="Remote.XenSessionException">The source does not allow a cold move of the guest (see <see cref="ColdMove.ReadSourceAsync"/>).</exception>
        public static async Task<ColdMoveCheck> CheckAsync(
            XenSession source, XenSession destination, string name, string configFile, bool start, bool skipChecks, IReadOnlyCollection<string> waived, bool readOnly, Action<string> log, CancellationToken cancellationToken)
        {
            var read = await ColdMove.ReadSourceAsync(source, name, configFile, cancellationToken).ConfigureAwait(false);
            if (skipChecks) return new ColdMoveCheck(read, Array.Empty<ReadinessCheck>());
            var request = ReadinessRequest.ForOne(source, destination, name, waived, readOnly);
            request.HaltedDomains = new[] { read.Domain };
            var reports = await ReadinessChecker.CheckAsync(request, log, cancellationToken).ConfigureAwait(false);
            var applicable = Applicable(start);
            return new ColdMoveCheck(read, reports[0].Checks.Where(c => applicable.Contains(c.Id)).ToList());
        }
    }
}
