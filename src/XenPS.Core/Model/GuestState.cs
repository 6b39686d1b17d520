namespace XenPS.Core.Model
{
    /// <summary>
    /// A guest's state on one host after a migration: one of the states <see cref="XenDomainState"/> reads from the toolstack's
    /// flags, or <see cref="Absent"/> when the host does not list it, or <see cref="Unknown"/> when the host's list could not be read.
    /// </summary>
    public enum GuestState
    {
        /// <summary>The host's domain list could not be read.</summary>
        Unknown,

        /// <summary>The host lists no domain of that name, under its own name or a migration name.</summary>
        Absent,

        NoState,
        Running,
        Blocked,
        Paused,
        Suspended,
        Shutdown,
        Crashed,
        Dying,

        /// <summary>Listed under a migration name only (<c>migrating-NAME</c>, <c>NAME--incoming</c>, <c>NAME--migratedaway</c>).</summary>
        Migrating,
    }
}
