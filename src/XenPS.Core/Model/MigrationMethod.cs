namespace XenPS.Core.Model
{
    /// <summary>How Move-XenDomain moved a domain.</summary>
    public enum MigrationMethod
    {
        /// <summary>The toolstack's migration (xm migrate, xl migrate): the running guest moved.</summary>
        Migrate,

        /// <summary>A halted guest's configuration file moved: copied to the destination, checked, then retired on the source.</summary>
        Cold,

        /// <summary>
        /// The running guest saved to a state file in a folder both hosts share (xm save, xl save), which stops it, then restored
        /// from that file on the destination (xm restore, xl restore): no connection between the two dom0s is needed.
        /// </summary>
        SaveRestore,
    }
}
