
namespace XenPS.Commands
{
    /// <summary>Gets the facts of Xen hosts: Xen version, toolstack, memory, CPUs and bridges.</summary>
    [Cmdlet(VerbsCommon.Get, "XenHost", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XenHost))]
    public sealed class GetXenHostCommand : XenHostCmdlet
    {
        /// <inheritdoc/>
        protected override async Task<object> QueryAsync(XenSession session, string computerName, CancellationToken cancellationToken)
        {
            var host = await session.Reader().GetHostAsync(cancellationToken).ConfigureAwait(false);
            host.ComputerName = computerName;
            return host;
        }
    }
}
