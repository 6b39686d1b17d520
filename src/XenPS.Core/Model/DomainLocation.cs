namespace XenPS.Core.Model
{
    /// <summary>Where a domain was found after its migration.</summary>
    public enum DomainLocation
    {
        /// <summary>Both hosts' domain lists were read, and neither lists the domain under its own name.</summary>
        Neither,

        /// <summary>Only the source lists it.</summary>
        Source,

        /// <summary>Only the destination lists it.</summary>
        Destination,

        /// <summary>Both hosts list it: two copies.</summary>
        Both,

        /// <summary>A host's domain list could not be read.</summary>
        Unknown,
    }
}
