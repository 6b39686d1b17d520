namespace XenPS.Core.Readiness
{
    /// <summary>A host's CPU flags sorted by what its guests can see of them (see <see cref="CpuFeatures.Of"/>).</summary>
    internal sealed class GuestCpu
    {
        public GuestCpu(IReadOnlyList<string> visible, IReadOnlyList<string> masked, IReadOnlyList<string> hostOnly, IReadOnlyList<string> maskOptions)
        {
            Visible = visible;
            Masked = masked;
            HostOnly = hostOnly;
            MaskOptions = maskOptions;
        }

        /// <summary>The flags a guest can see and depend on: the ones compared.</summary>
        public IReadOnlyList<string> Visible { get; }

        /// <summary>Flags of guest-visible features that the host's cpuid masks hide from its guests.</summary>
        public IReadOnlyList<string> Masked { get; }

        /// <summary>Flags of the dom0 alone: features Xen does not give guests, and Linux's own synthetic flags.</summary>
        public IReadOnlyList<string> HostOnly { get; }

        /// <summary>The host's cpuid_mask options in effect, as its Xen command line spells them.</summary>
        public IReadOnlyList<string> MaskOptions { get; }
    }
}
