using System.Collections.Concurrent;
using XenPS.Core.Lab;

namespace XenPS.Commands
{
    /// <summary>Stops a lab that Start-XenLab started and removes everything it made.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "XenLab", SupportsShouldProcess = true, DefaultParameterSetName = LabSet)]
    [OutputType(typeof(void))]
    public sealed class StopXenLabCommand : XenCmdlet
    {
        private const string LabSet = "Lab";

        /// <summary>The lab, as Start-XenLab returned it.</summary>
        [Parameter(ParameterSetName = LabSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public XenLabInfo? Lab { get; set; }

        /// <summary>The folder of the lab's files.</summary>
        [Parameter(ParameterSetName = "Directory", Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string? Directory { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var directory = Lab?.Directory ?? GetUnresolvedProviderPathFromPSPath(Directory);
            if (!ShouldProcess($"XenLab in {directory}", "Stop its hosts and remove its namespaces, bridges, processes and files")) return;
            var lines = new ConcurrentQueue<string>();
            try
            {
                Wait(() => XenLabRunner.StopAsync(LabRoot.Folder, directory, lines.Enqueue, CancellationToken));
            }
            catch (XenSessionException e)
            {
                WriteError(ToErrorRecord(e, directory));
            }
            while (lines.TryDequeue(out var line)) WriteVerbose(line);
        }
    }
}
