using XenPS.Core.Model;

namespace XenPS.Core.Readiness
{
    /// <summary>Where one domain of an evacuation goes: the destination whose report passed, or none.</summary>
    /// <param name="Chosen">The report of the chosen destination; null when no destination can take the domain.</param>
    /// <param name="Candidates">The domain's report for every destination, in the order the destinations were given.</param>
    public sealed record Placement(ReadinessReport? Chosen, IReadOnlyList<ReadinessReport> Candidates)
    {
        /// <summary>The domain as it was asked for.</summary>
        public string Domain => Candidates[0].Domain;

        /// <summary>The source host as the user named it.</summary>
        public string Source => Candidates[0].Source;
    }

    /// <summary>
    /// Checks the domains of one batch together rather than each as if it moved alone: the memory of a destination is
    /// counted for every domain that goes there, in the order they go, and two domains of one name never go to one host.
    /// A plan that passes can run in full.
    /// </summary>
    public static class ReadinessPlan
    {
        /// <summary>
        /// The plan of a batch: <paramref name="candidates"/> holds, per domain, its report for every destination. With one
        /// destination the domains are counted together in the order given (<see cref="CountTogether"/>), and a domain is
        /// placed there when its report passes; with several they are placed (<see cref="Place"/>).
        /// </summary>
        public static IReadOnlyList<Placement> Plan(IReadOnlyList<IReadOnlyList<ReadinessReport>> candidates)
        {
            if (candidates is null) throw new ArgumentNullException(nameof(candidates));
            if (candidates.Any(c => c.Count != 1)) return Place(candidates);
            CountTogether(candidates.Select(c => c[0]).ToArray());
            return candidates.Select(c => new Placement(c[0].IsReady ? c[0] : null, c)).ToArray();
        }

        /// <summary>
        /// Counts the domains of <paramref name="reports"/> together, per destination and in the order given: each report's
        /// Memory check and figures then say what the domains before it leave, and a second domain of one name to one
        /// destination fails NameFree. A domain that cannot move (a failed check) takes no memory from the ones after it.
        /// </summary>
        public static void CountTogether(IReadOnlyList<ReadinessReport> reports)
        {
            if (reports is null) throw new ArgumentNullException(nameof(reports));
            var destinations = new Dictionary<string, DestinationUse>(StringComparer.OrdinalIgnoreCase);
            foreach (var report in reports) Use(destinations, report).Count(report);
        }

        /// <summary>
        /// Places each domain on one of its destinations: the largest first, each on the destination where every check passes
        /// with the most memory left after it (the first given on a tie). <paramref name="candidates"/> holds, per domain, its
        /// report for every destination. The chosen reports are counted together as <see cref="CountTogether"/> does; a domain
        /// no destination can take gets no choice, and its reports say what each destination lacks.
        /// </summary>
        public static IReadOnlyList<Placement> Place(IReadOnlyList<IReadOnlyList<ReadinessReport>> candidates)
        {
            if (candidates is null) throw new ArgumentNullException(nameof(candidates));
            if (candidates.Any(c => c.Count == 0)) throw new ArgumentException("Every domain needs a report for at least one destination.", nameof(candidates));
            var destinations = new Dictionary<string, DestinationUse>(StringComparer.OrdinalIgnoreCase);
            var placements = new Placement[candidates.Count];
            var largestFirst = Enumerable.Range(0, candidates.Count).OrderByDescending(i => candidates[i].Max(r => r.Memory?.RequiredMB ?? 0));
            foreach (var i in largestFirst)
            {
                var options = candidates[i].Select(r => (Report: r, Use: Use(destinations, r))).ToList();
                var best = options
                    .Where(o => o.Use.CanTake(o.Report))
                    .OrderByDescending(o => o.Use.RemainderAfter(o.Report))
                    .Select(o => ((ReadinessReport Report, DestinationUse Use)?)o)
                    .FirstOrDefault();
                if (best is (ReadinessReport chosen, DestinationUse use))
                {
                    use.Count(chosen);
                }
                else
                {
                    foreach (var (report, candidateUse) in options) candidateUse.Show(report);
                }
                placements[i] = new Placement(best?.Report, candidates[i]);
            }
            return placements;
        }

        private static DestinationUse Use(Dictionary<string, DestinationUse> destinations, ReadinessReport report)
        {
            if (!destinations.TryGetValue(report.Destination, out var use)) destinations[report.Destination] = use = new DestinationUse();
            return use;
        }

        /// <summary>What the domains counted so far take from one destination.</summary>
        private sealed class DestinationUse
        {
            private readonly HashSet<string> names = new HashSet<string>(StringComparer.Ordinal);
            private readonly List<string> counted = new List<string>();
            private MemoryFit? last;

            /// <summary>Every check but Memory passes, the memory fits after the domains counted, and no counted domain has its name.</summary>
            public bool CanTake(ReadinessReport report) =>
                !names.Contains(report.Domain)
                && report.Checks.All(c => c.Status != ReadinessStatus.Fail || c.Id == ReadinessCheckId.Memory)
                && (Fit(report) is { Fits: true } || report.WaiverRequest.Contains(ReadinessCheckId.Memory, StringComparer.OrdinalIgnoreCase));

            public long RemainderAfter(ReadinessReport report) => Fit(report)?.RemainingMB ?? long.MinValue;

            /// <summary>Sets the report's memory and checks as this destination has them now, and counts the domain if it can move.</summary>
            public void Count(ReadinessReport report)
            {
                if (!names.Add(report.Domain))
                {
                    Replace(report, CheckResult.Fail(ReadinessCheckId.NameFree,
                        $"Another domain named {report.Domain} goes to {report.Destination} in the same batch; one host cannot run two domains of one name.",
                        $"Move only one domain named {report.Domain} to {report.Destination}."));
                    return;
                }
                Show(report);
                if (report.Memory is MemoryFit fit && fit.Fits && report.IsReady)
                {
                    last = fit;
                    counted.Add($"{report.Domain} ({fit.RequiredMB} MiB)");
                }
            }

            /// <summary>Sets the report's memory figures and check to what the counted domains leave, without counting it.</summary>
            public void Show(ReadinessReport report)
            {
                if (Fit(report) is not MemoryFit fit) return;
                var alone = report.Checks.First(c => c.Id == ReadinessCheckId.Memory);
                report.Memory = fit;
                Replace(report, MemoryCheck.InBatch(alone, fit, report.Domain, report.Destination));
            }

            /// <summary>The report's figures (those of its domain alone, as every report is counted once) after the domains counted here.</summary>
            private MemoryFit? Fit(ReadinessReport report) =>
                report.Memory is null || last is null ? report.Memory : report.Memory.After(last, counted.ToArray());

            /// <summary>Puts <paramref name="check"/> in place of the report's check of that id, waived when the report's request waives it.</summary>
            private static void Replace(ReadinessReport report, ReadinessCheck check) =>
                report.Checks = report.Checks.Select(c => c.Id == check.Id ? CheckWaiver.For(report, check) : c).ToArray();
        }
    }
}
