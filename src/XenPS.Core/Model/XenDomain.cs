namespace XenPS.Core.Model
{
    /// <summary>State of a domain, from the flags that xm and xl print (r, b, p, s, c, d) or its migration name.</summary>
    public enum XenDomainState
    {
        /// <summary>The toolstack printed no state for the domain (an <c>xm list --long</c> block without <c>(state ...)</c>).</summary>
        Unknown,

        /// <summary>No flag set: the domain exists but is neither running nor blocked at the moment of the query.</summary>
        NoState,
        Running,
        Blocked,
        Paused,
        Shutdown,
        Crashed,
        Dying,

        /// <summary>The domain is being received or sent (xm: <c>migrating-NAME</c>; xl: <c>NAME--incoming</c> / <c>NAME--migratedaway</c>).</summary>
        Migrating,

        /// <summary>Shut down for suspend (xl's <c>---ss-</c>): its memory is kept, but it runs only once resumed.</summary>
        Suspended,
    }

    /// <summary>Virtualisation mode of a domain.</summary>
    public enum XenDomainType
    {
        Unknown,
        PV,
        HVM,
        PVH,
    }

    /// <summary>A guest (or dom0) on one Xen host.</summary>
    public sealed class XenDomain
    {
        private const string XmMigrationPrefix = "migrating-";

        private static readonly string[] XlMigrationSuffixes = { "--incoming", "--migratedaway" };

        public string Name { get; set; } = "";

        /// <summary>Domain ID; null for a domain that is defined but not running (xm managed domains).</summary>
        public int? Id { get; set; }

        /// <summary>The host as the user named it (session ComputerName).</summary>
        public string ComputerName { get; set; } = "";

        public Toolstack Toolstack { get; set; }

        public XenDomainState State { get; set; }

        /// <summary>The six state characters as the toolstack printed them, e.g. <c>r-----</c> or <c>-b----</c>.</summary>
        public string StateFlags { get; set; } = "";

        public long MemoryMB { get; set; }

        public long MaxMemoryMB { get; set; }

        public int VCpus { get; set; }

        public double CpuTimeSeconds { get; set; }

        public XenDomainType Type { get; set; }

        public IReadOnlyList<XenDisk> Disks { get; set; } = Array.Empty<XenDisk>();

        public IReadOnlyList<XenVif> Vifs { get; set; } = Array.Empty<XenVif>();

        /// <summary>PCI devices passed through, as <c>DDDD:BB:SS.F</c>.</summary>
        public IReadOnlyList<string> PciDevices { get; set; } = Array.Empty<string>();

        public string? Uuid { get; set; }

        /// <summary>
        /// What the toolstack's outputs disagreed on about this domain (xl: a domain that <c>xl list -l</c> left out, listed from the
        /// <c>xl list</c> table; one without a table row); null when they agree.
        /// </summary>
        public string? Inconsistency { get; set; }

        public bool IsDom0 => Id == 0 || string.Equals(Name, "Domain-0", StringComparison.Ordinal);

        /// <summary>The guest's own name: <see cref="Name"/> without the decoration the toolstack adds while migrating.</summary>
        public string GuestName => GuestNameOf(Name);

        /// <summary>The domain named <paramref name="name"/> in <paramref name="domains"/>: the one listed under that name, else one listed under its migration name.</summary>
        public static XenDomain? Find(IReadOnlyList<XenDomain> domains, string name) =>
            domains.FirstOrDefault(d => d.Name == name) ?? domains.FirstOrDefault(d => d.GuestName == name);

        /// <summary>
        /// Strips xm's <c>migrating-</c> prefix or xl's <c>--incoming</c> / <c>--migratedaway</c> suffix from a listed name;
        /// any other name comes back unchanged.
        /// </summary>
        public static string GuestNameOf(string name)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            if (name.Length > XmMigrationPrefix.Length && name.StartsWith(XmMigrationPrefix, StringComparison.Ordinal)) return name.Substring(XmMigrationPrefix.Length);
            foreach (var suffix in XlMigrationSuffixes)
            {
                if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)) return name.Substring(0, name.Length - suffix.Length);
            }
            return name;
        }

        public override string ToString() => Name;
    }

    /// <summary>A virtual block device of a domain.</summary>
    public sealed class XenDisk
    {
        /// <summary>Path of the image or device in dom0 (<c>/THECUS_NFS/com-xp1.img</c>, <c>/dev/vg/lv</c>); null for an empty cdrom drive.</summary>
        public string? Path { get; set; }

        /// <summary>Backend kind as written in the uname prefix or by libxl: <c>file</c>, <c>phy</c>, <c>tap:aio</c>, <c>qdisk</c>...</summary>
        public string Backend { get; set; } = "";

        /// <summary>Device in the guest: <c>xvda</c>, <c>hda</c>...</summary>
        public string Target { get; set; } = "";

        /// <summary><c>w</c> (read-write) or <c>r</c> (read-only).</summary>
        public string Mode { get; set; } = "w";

        public bool IsCdrom { get; set; }

        /// <summary>
        /// The disk as a line of an xm <c>disk</c> list: <c>file:/img,hda,w</c>, <c>file:/boot.iso,hdc:cdrom,r</c>, a path
        /// without backend as it is (<c>/boot.iso,hdc:cdrom,r</c>), and an empty cdrom drive as xm writes one: <c>,hdc:cdrom,r</c>.
        /// </summary>
        public override string ToString()
        {
            var source = Path is null ? "" : Backend.Length > 0 ? Backend + ":" + Path : Path;
            return $"{source},{Target}{(IsCdrom ? ":cdrom" : "")},{Mode}";
        }
    }

    /// <summary>A virtual network interface of a domain.</summary>
    public sealed class XenVif
    {
        public string? Bridge { get; set; }

        public string? Mac { get; set; }

        public string? Model { get; set; }

        public override string ToString() => $"{Mac}@{Bridge}";
    }
}
