using XenPS.Core.Model;
using XenPS.Core.Remote;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// The guest probe around one migration: checked before it (the guest must answer unless the user opted out), polled in
    /// the background through it, and after it until the guest answers again or the grace time passes.
    /// </summary>
    internal sealed class GuestProbeRun : IDisposable
    {
        private readonly IGuestProber prober;
        private readonly Task<IReadOnlyList<GuestProbeSample>> loop;
        private readonly CancellationTokenSource stopping;
        private readonly string description;

        private GuestProbeRun(IGuestProber prober, Task<IReadOnlyList<GuestProbeSample>> loop, CancellationTokenSource stopping, string description)
        {
            this.prober = prober;
            this.loop = loop;
            this.stopping = stopping;
            this.description = description;
        }

        /// <summary>Checks the guest and starts the loop; null when the request has no guest probe. Throws GuestProbeNoAnswer when the guest must answer and does not.</summary>
        public static async Task<GuestProbeRun?> StartAsync(MigrationRequest request, Action<string> log, CancellationToken cancellationToken)
        {
            if (request.GuestProbe is not GuestProbeOptions options) return null;
            var description = options.Describe(request.Source.ComputerName, request.Destination.ComputerName);
            var limit = (request.Timeout ?? TimeSpan.FromHours(24)) + options.Grace + TimeSpan.FromMinutes(5);
            IGuestProber prober = options.Location switch
            {
                GuestProbeLocation.Source => new RemoteGuestProber(options, request.Source.Shell, limit),
                GuestProbeLocation.Destination => new RemoteGuestProber(options, request.Destination.Shell, limit),
                _ => new ClientGuestProber(options),
            };
            var check = await prober.RunAsync(new GuestProbeSchedule(options.Interval, TimeSpan.Zero), true, cancellationToken).ConfigureAwait(false);
            var answered = check.Count > 0 && check[check.Count - 1].Answered;
            if (!answered && options.RequireAnswerBefore)
            {
                throw new XenSessionException(XenSessionErrorId.GuestProbeNoAnswer,
                    $"The guest probe {description} got no answer within {options.ConnectTimeout.TotalMilliseconds:0} ms, so {request.Domain} was not migrated. " +
                    "Check that the guest's service runs and that its host name and port are right, or give -SkipGuestProbeCheck to migrate anyway " +
                    "(the downtime is then measured from the guest's first answer).");
            }
            log($"guest probe {description}: {(answered ? "answers" : "does not answer yet")}; polling every {options.Interval.TotalMilliseconds:0} ms");
            var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var loop = Task.Run(() => prober.RunAsync(new GuestProbeSchedule(options.Interval, options.Grace), false, stopping.Token), stopping.Token);
            return new GuestProbeRun(prober, loop, stopping, description);
        }

        /// <summary>Asks the loop to end, waits for it (the guest's answer after the migration, or the grace time), and measures what it saw.</summary>
        public async Task<GuestProbeReport> StopAsync(Action<string> log, CancellationToken cancellationToken)
        {
            try
            {
                await prober.StopAsync(cancellationToken).ConfigureAwait(false);
                var report = GuestDowntime.Measure(await loop.ConfigureAwait(false));
                log($"guest probe {description}: {report.Attempts} attempts, longest without an answer {report.Downtime?.TotalSeconds:0.00} s, answers after: {report.AnswersAfter}");
                return report;
            }
            catch (XenSessionException e)
            {
                log($"guest probe {description}: {e.Message}");
                return new GuestProbeReport();
            }
        }

        /// <summary>Puts the probe's findings into <paramref name="result"/>, and says in its message when the guest did not answer after the migration.</summary>
        public void Apply(MigrationResult result, GuestProbeReport report, TimeSpan grace) => Apply(result, report, description, grace);

        /// <summary>Puts what the guest probe <paramref name="description"/> found into <paramref name="result"/>, with a note in its message when the guest did not answer after the migration.</summary>
        internal static void Apply(MigrationResult result, GuestProbeReport report, string description, TimeSpan grace)
        {
            result.GuestProbe = description;
            result.GuestDowntime = report.Downtime;
            result.GuestDowntimeResolution = report.Resolution;
            result.GuestAnswersAfter = report.AnswersAfter;
            var note = report.AnswersAfter switch
            {
                null => $"The guest probe {description} could not be run: see the verbose output.",
                false when report.Downtime is null => $"The guest never answered the guest probe {description}, before or after the migration.",
                false => $"The guest did not answer the guest probe {description} after the migration: it had not answered for {report.Downtime!.Value.TotalSeconds:0.0} s " +
                    $"when the probe gave up, {grace.TotalSeconds:0} s after the migration ended. Check the guest's console and its network on {result.Destination}.",
                _ => null,
            };
            if (note != null) result.Error = string.IsNullOrEmpty(result.Error) ? note : result.Error + " " + note;
        }

        public void Dispose()
        {
            stopping.Cancel();
            stopping.Dispose();
        }
    }
}
