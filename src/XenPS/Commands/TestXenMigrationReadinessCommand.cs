using XenPS.Core.Readiness;

namespace XenPS.Commands
{
    /// <summary>
    /// Checks, on the real hosts, every prerequisite of a live migration of domains to a destination dom0 and returns
    /// one report per domain, each check with its measured facts and its remedy. The domains are checked together: each
    /// destination's memory is counted for all that go there. With several destinations each domain gets the report of the
    /// destination it is placed on, or, when none can take it, its report for every destination.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "XenMigrationReadiness", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(ReadinessReport), typeof(bool))]
    public sealed class TestXenMigrationReadinessCommand : MigrationCmdlet
    {
        /// <summary>Times a bounded transfer between the two dom0s and estimates the migration's duration.</summary>
        [Parameter]
        public SwitchParameter MeasureBandwidth { get; set; }

        /// <summary>Returns only $true (ready) or $false for each domain.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var destinations = Destinations;
            var candidates = new List<IReadOnlyList<ReadinessReport>>();
            ForEachHost(async (target, ct) =>
            {
                var log = new List<string>();
                XenSession? source = null;
                XenSessionException? sourceError = null;
                try
                {
                    source = await SessionForAsync(target, ct).ConfigureAwait(false);
                }
                catch (XenSessionException e)
                {
                    sourceError = e;
                }
                var byDestination = await Task.WhenAll(destinations.Select(async destination =>
                {
                    var request = NewReadinessRequest(target, destination);
                    request.MeasureBandwidth = MeasureBandwidth;
                    request.Source = source;
                    request.SourceError = sourceError;
                    try
                    {
                        request.Destination = await ImplicitSessionAsync(destination, Credential, ct).ConfigureAwait(false);
                    }
                    catch (XenSessionException e)
                    {
                        request.DestinationError = e;
                    }
                    return await ReadinessChecker.CheckAsync(request, line => { lock (log) log.Add(line); }, ct).ConfigureAwait(false);
                })).ConfigureAwait(false);
                return (ByDestination: byDestination, Log: log);
            },
            (target, checkedHost) =>
            {
                foreach (var line in checkedHost.Log) WriteVerbose(line);
                candidates.AddRange(target.Names.Select((_, k) => checkedHost.ByDestination.Select(reports => reports[k]).ToArray()));
            });
            foreach (var placement in ReadinessPlan.Plan(candidates))
            {
                if (Quiet) WriteObject(placement.Chosen != null);
                else if (placement.Chosen is ReadinessReport chosen) WriteObject(chosen);
                else WriteObject(placement.Candidates, enumerateCollection: true);
            }
        }
    }
}
