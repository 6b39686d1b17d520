namespace XenPS.Core.Model
{
    /// <summary>Why a migration target was chosen.</summary>
    public enum MigrationTargetOrigin
    {
        /// <summary>Given by the user with -MigrationTarget.</summary>
        Explicit,

        /// <summary>The destination's <c>xend-relocation-address</c> (xm).</summary>
        RelocationAddress,

        /// <summary>The name the user gave the destination, as the source resolves it.</summary>
        DestinationName,

        /// <summary>The destination's own host name (<c>uname -n</c>), as the source resolves it.</summary>
        DestinationHostName,

        /// <summary>One of the destination's own addresses.</summary>
        DestinationAddress,
    }
}
