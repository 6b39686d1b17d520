using XenPS.Core.Model;
using XenPS.Core.Relocation;
using XenPS.Core.Remote;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// Chooses the migration target when no readiness report did (Move-XenDomain -SkipReadinessCheck): what the destination
    /// says about itself (one round trip, left out when the target and its port are given), then the choice on the source
    /// (one round trip), by the same candidates and script as the readiness check.
    /// </summary>
    internal static class MigrationTargetResolver
    {
        private static readonly RemoteRunOptions Read = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };

        /// <summary>The target; throws MigrationTargetNotFound, naming every candidate tried, when none works.</summary>
        public static async Task<MigrationTarget> ResolveAsync(MigrationRequest request, Action<string> log, CancellationToken cancellationToken)
        {
            var source = request.Source;
            var destination = request.Destination;
            var toolstack = source.Toolstack;
            var implementation = toolstack.Implementation();
            var plan = new TargetPlan { Toolstack = toolstack, SshCommand = implementation.MigratesOverSsh ? request.SshCommand : null };
            string? relocationAddress = null;
            DestinationIdentity? identity = null;
            var needsDestination = request.MigrationTarget is null || (implementation.UsesXend && request.Port is null);
            if (needsDestination)
            {
                var batch = MigrationTargetProbe.AddDestinationSections(new RemoteBatch());
                if (implementation.UsesXend) batch.Add("xend-config", RemoteFile.ReadCommand(RelocationService.DefaultConfigPath));
                log($"{destination.ComputerName}: own host name and addresses" + (implementation.UsesXend ? ", xend-config.sxp" : ""));
                var sections = await batch.RunAsync(destination.Shell, Read, cancellationToken).ConfigureAwait(false);
                identity = MigrationTargetProbe.ReadDestination(sections);
                if (implementation.UsesXend)
                {
                    // A missing or unreadable file leaves xend's defaults: every address, port 8002.
                    var xend = XendSettings.Read(destination.ComputerName, destination.XendRunning, sections["xend-config"], out _);
                    relocationAddress = xend?.Relocation.Address;
                    plan.RelocationPort = xend?.Relocation.Port ?? XendRelocationConfig.DefaultPort;
                }
            }
            if (request.Port is int port) plan.RelocationPort = port;
            plan.Candidates = MigrationTargetProbe.Candidates(request.MigrationTarget, toolstack, relocationAddress, destination.ComputerName, identity);
            var choiceBatch = new RemoteBatch().Add("env", XenToolstack.PathPrefix).Add("target", MigrationTargetProbe.Command(plan));
            log($"{source.ComputerName}: migration target from {string.Join(", ", plan.Candidates.Select(c => c.Host))}");
            var result = await choiceBatch.RunAsync(source.Shell, Read, cancellationToken).ConfigureAwait(false);
            var choice = MigrationTargetProbe.Read(plan, result["target"], source.ComputerName, destination.ComputerName);
            return choice.Target ?? throw new XenSessionException(XenSessionErrorId.MigrationTargetNotFound, choice.Error!);
        }
    }
}
