namespace XenPS.Core.Model
{
    /// <summary>The Xen management toolstack used on a dom0.</summary>
    public enum Toolstack
    {
        /// <summary>xm with the xend daemon (Xen 3.x to 4.4).</summary>
        Xm,

        /// <summary>xl on libxl (Xen 4.1 and later).</summary>
        Xl,
    }
}
