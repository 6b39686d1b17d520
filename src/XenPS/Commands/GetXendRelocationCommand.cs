using XenPS.Core.Relocation;

namespace XenPS.Commands
{
    /// <summary>Gets the xend relocation settings of hosts, and whether xend runs and listens on the relocation port.</summary>
    [Cmdlet(VerbsCommon.Get, "XendRelocation", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XendRelocationConfig))]
    public sealed class GetXendRelocationCommand : XenHostCmdlet
    {
        /// <summary>The xend configuration file on the host.</summary>
        [Parameter]
        [ValidatePattern(@"^/[^\x00-\x1f]*$")]
        public string Path { get; set; } = RelocationService.DefaultConfigPath;

        /// <inheritdoc/>
        protected override async Task<object> QueryAsync(XenSession session, string computerName, CancellationToken cancellationToken)
        {
            var config = await RelocationService.GetAsync(session, Path, cancellationToken).ConfigureAwait(false);
            config.ComputerName = computerName;
            return config;
        }

        /// <summary>Warns, before the object, that a host has no configuration file and runs with xend's defaults.</summary>
        protected override void WriteAnswer(string computerName, object answer)
        {
            if (answer is XendRelocationConfig { FileExists: false } config) WriteWarning(RelocationService.AbsentFileNote(config));
            WriteObject(answer);
        }
    }
}
