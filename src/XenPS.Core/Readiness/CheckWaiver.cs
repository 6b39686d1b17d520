using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Text;

namespace XenPS.Core.Readiness
{
    /// <summary>
    /// The rule of Move-XenDomain and Test-XenMigrationReadiness -SkipCheck: a named check still runs, but its failure no longer
    /// blocks. It becomes a warning that says it was waived and keeps the measured facts and the remedy. A few checks guard against
    /// harm that no operator can accept, or against a migration that has nothing to move; they cannot be waived.
    /// </summary>
    public static class CheckWaiver
    {
        /// <summary>The checks that cannot be waived, each with the reason (ids in any case, as PowerShell users give them).</summary>
        public static IReadOnlyDictionary<string, string> Unwaivable { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ReadinessCheckId.HostsReachable] = "without both hosts no other check has facts, and no migration can start",
            [ReadinessCheckId.DomainState] = "the domain must exist on the source as a running guest that is not being migrated already; anything else leaves nothing to move or starts a second migration of the same guest",
            [ReadinessCheckId.NameFree] = "a domain of that name on the destination may be a running copy of the guest, and two copies of one guest on shared storage corrupt its disks",
            [ReadinessCheckId.SharedStorage] = "the domain would go on running on whatever disk the destination has at the same path, a different disk from the one it was using",
        };

        /// <summary>Why <paramref name="id"/> (in any case) cannot be waived (not a check, or one of <see cref="Unwaivable"/>); null when it can.</summary>
        public static string? Refusal(string id)
        {
            var check = ReadinessCheckId.All.FirstOrDefault(c => string.Equals(c, id, StringComparison.OrdinalIgnoreCase));
            if (check is null)
            {
                return $"'{VisibleText.Shorten(id)}' is not a readiness check. Give one of: {string.Join(", ", ReadinessCheckId.All.Where(c => !Unwaivable.ContainsKey(c)))}.";
            }
            return Unwaivable.TryGetValue(check, out var why)
                ? $"The {check} check cannot be waived with -SkipCheck: {why}. Fix what it reports instead; Test-XenMigrationReadiness shows its detail and remedy."
                : null;
        }

        /// <summary>Throws when one of <paramref name="ids"/> cannot be waived.</summary>
        /// <exception cref="XenSessionException">CheckNotWaivable, with the reason.</exception>
        public static void Validate(IEnumerable<string> ids)
        {
            foreach (var id in ids)
            {
                if (Refusal(id) is string refusal) throw new XenSessionException(XenSessionErrorId.CheckNotWaivable, refusal);
            }
        }

        /// <summary>
        /// <paramref name="checks"/> with each failed check named in <paramref name="waived"/> turned into a waived warning; every
        /// other check as it is. A check that passed, warned or was skipped has nothing to waive.
        /// </summary>
        /// <exception cref="XenSessionException">CheckNotWaivable: <paramref name="waived"/> names a check that cannot be waived.</exception>
        public static IReadOnlyList<ReadinessCheck> Apply(IReadOnlyList<ReadinessCheck> checks, IReadOnlyCollection<string> waived)
        {
            Validate(waived);
            return checks.Select(check => check.Status == ReadinessStatus.Fail && waived.Contains(check.Id, StringComparer.OrdinalIgnoreCase) ? Waive(check) : check).ToList();
        }

        /// <summary><paramref name="check"/> as a waived warning when it failed and <paramref name="report"/>'s request waives it, else as it is.</summary>
        internal static ReadinessCheck For(ReadinessReport report, ReadinessCheck check) =>
            check.Status == ReadinessStatus.Fail && report.WaiverRequest.Contains(check.Id, StringComparer.OrdinalIgnoreCase) ? Waive(check) : check;

        private static ReadinessCheck Waive(ReadinessCheck check) => new ReadinessCheck
        {
            Id = check.Id,
            Name = check.Name,
            Status = ReadinessStatus.Warning,
            Waived = true,
            Detail = $"Failed, waived with -SkipCheck {check.Id}: {check.Detail}",
            Remedy = check.Remedy,
        };
    }
}
