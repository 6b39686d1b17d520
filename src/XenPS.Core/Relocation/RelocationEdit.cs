namespace XenPS.Core.Relocation
{
    /// <summary>A requested change to the relocation settings; null members are left as they are. See <see cref="RelocationSettings.Apply"/>.</summary>
    public sealed class RelocationEdit
    {
        /// <summary>Switch the relocation server on or off.</summary>
        public bool? Enabled { get; set; }

        /// <summary>The relocation port, 1 to 65535.</summary>
        public int? Port { get; set; }

        /// <summary>The address or interface to listen on; empty for every interface.</summary>
        public string? Address { get; set; }

        /// <summary>Replaces the whole hosts-allow list; an empty array admits every host. Entries as <see cref="HostsAllowEntry.FromUserInput"/> takes them.</summary>
        public string[]? HostsAllow { get; set; }

        /// <summary>Hosts or patterns to add (after <see cref="HostsAllow"/>); ones already present are not added twice.</summary>
        public string[]? AddAllowedHost { get; set; }

        /// <summary>Entries to remove (last), by their exact pattern or by the host name or address they were made from.</summary>
        public string[]? RemoveAllowedHost { get; set; }
    }
}
