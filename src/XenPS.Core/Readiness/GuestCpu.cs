namespace XenPS.Core.Readiness
{
    /// <summary>A host's CPU flags sorted by what its guests can see of them (see <see cref="CpuFeatures.Of"/>).</summary>
    /// <param name="Visible">The flags a guest can see and depend on: the ones compared.</param>
    /// <param name="Masked">Flags of guest-visible features that the host's cpuid masks hide from its guests.</param>
    /// <param name="HostOnly">Flags of the dom0 alone: features Xen does not give guests, and Linux's own synthetic flags.</param>
    /// <param name="MaskOptions">The host's cpuid_mask options in effect, as its Xen command line spells them.</param>
    internal sealed record GuestCpu(IReadOnlyList<string> Visible, IReadOnlyList<string> Masked, IReadOnlyList<string> HostOnly, IReadOnlyList<string> MaskOptions);
}
