using System.Collections.Concurrent;
using XenPS.Core.Lab;

namespace XenPS.Commands
{
    /// <summary>Starts XenLab, the simulated dom0s that come with XenPS, and returns how to reach them.</summary>
    [Cmdlet(VerbsLifecycle.Start, "XenLab", SupportsShouldProcess = true)]
    [OutputType(typeof(XenLabInfo))]
    public sealed class StartXenLabCommand : XenCmdlet
    {
        /// <summary>The profile: a name of the module's lab/profiles folder (default: default, two xm dom0s), or a profile file.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LabProfileCompleter))]
        public string LabProfile { get; set; } = "default";

        /// <summary>The lab's name, which its network devices carry: a lower-case letter and up to 7 letters or digits.</summary>
        [Parameter]
        [ValidatePattern("^[a-z][a-z0-9]{0,7}$")]
        public string Name { get; set; } = "xenlab";

        /// <summary>The folder for the lab's files; by default xenps-lab-NAME in the temporary folder.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Directory { get; set; }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            var directory = Directory is null ? Path.Combine(Path.GetTempPath(), "xenps-lab-" + Name) : GetUnresolvedProviderPathFromPSPath(Directory);
            if (!ShouldProcess($"XenLab '{Name}' in {directory}", $"Start the hosts of profile {LabProfile} (network namespaces, sshd processes, a bridge)")) return;
            var lines = new ConcurrentQueue<string>();
            try
            {
                var lab = Wait(() => XenLabRunner.StartAsync(LabRoot.Folder, LabProfile, Name, directory, lines.Enqueue, CancellationToken));
                while (lines.TryDequeue(out var line)) WriteVerbose(line);
                WriteObject(lab);
            }
            catch (XenSessionException e)
            {
                while (lines.TryDequeue(out var line)) WriteVerbose(line);
                WriteError(ToErrorRecord(e, Name));
            }
        }
    }

    /// <summary>Where the module keeps XenLab: the lab folder beside XenPS.dll.</summary>
    internal static class LabRoot
    {
        public static string Folder => Path.Combine(Path.GetDirectoryName(typeof(LabRoot).Assembly.Location) ?? ".", "lab");
    }
}
