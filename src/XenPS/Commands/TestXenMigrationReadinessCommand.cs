using XenPS.Core.Readiness;

namespace XenPS.Commands
{
    /// <summary>
    /// Checks, on the real hosts, every prerequisite of a live migration of domains to a destination dom0 and returns
    /// one report per domain, each check with its measured facts and its remedy.
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
        protected override void EndProcessing() =>
            ForEachHost(async (target, ct) =>
                {
                    var log = new List<string>();
                    var request = NewReadinessRequest(target);
                    request.MeasureBandwidth = MeasureBandwidth;
                    try
                    {
                        request.Source = await SessionForAsync(target, ct).ConfigureAwait(false);
                    }
                    catch (XenSessionException e)
                    {
                        request.SourceError = e;
                    }
                    try
                    {
                        request.Destination = await SessionRegistry.Default.GetOrOpenAsync(ImplicitOptions(Destination, Credential), ct).ConfigureAwait(false);
                    }
                    catch (XenSessionException e)
                    {
                        request.DestinationError = e;
                    }
                    var reports = await ReadinessChecker.CheckAsync(request, line => { lock (log) log.Add(line); }, ct).ConfigureAwait(false);
                    return (Reports: reports, Log: log);
                },
                (target, checkedHost) =>
                {
                    foreach (var line in checkedHost.Log) WriteVerbose(line);
                    foreach (var report in checkedHost.Reports)
                    {
                        if (Quiet) WriteObject(report.IsReady);
                        else WriteObject(report);
                    }
                });
    }
}
