namespace XenPS.Commands
{
    /// <summary>Gets the sessions of this PowerShell session's registry.</summary>
    [Cmdlet(VerbsCommon.Get, "XenSession", DefaultParameterSetName = ComputerNameSet)]
    [OutputType(typeof(XenSession))]
    public sealed class GetXenSessionCommand : SessionRegistryCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (var session in SelectedSessions())
            {
                WriteObject(session);
            }
        }
    }
}
