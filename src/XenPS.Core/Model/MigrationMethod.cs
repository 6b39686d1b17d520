namespace XenPS.Core.Model
{
    /// <summary>How Move-XenDomain moved a domain.</summary>
    public enum MigrationMethod
    {
        /// <summary>The toolstack's migration (xm migrate, xl migrate): the running guest moved.</summary>
        Migrate,

        /// <summary>A halted guest's configuration file moved: copied to the destination, checked, then retired on the source.</summary>
        Cold,
    }
}
