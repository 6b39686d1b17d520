namespace XenPS.Core.Sessions
{
    /// <summary>State of a <see cref="XenSession"/>.</summary>
    public enum XenSessionState
    {
        /// <summary>Connected.</summary>
        Opened,

        /// <summary>The connection dropped; the next command connects again.</summary>
        Broken,

        /// <summary>Closed by the user or when the module was removed.</summary>
        Closed,
    }
}
