using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>xm with the xend daemon (Xen 3.x to 4.4).</summary>
    internal sealed class XmToolstack : ToolstackBase
    {
        /// <summary>xend's default <c>videoram</c> of an HVM guest.</summary>
        private const long VideoRamMB = 4;

        private static readonly ListSection List = new ListSection("list", "xm", "list", "--long");

        public XmToolstack()
            : base(Toolstack.Xm, "xm with xend", usesXend: true, migratesOverSsh: false, alwaysLive: false, migratesPausedDomains: false, List)
        {
        }

        public override int MigrationPort(int relocationPort) => relocationPort;

        public override IReadOnlyList<XenDomain> ParseDomains(IReadOnlyDictionary<string, RemoteResult> sections, string computerName, ICollection<string> warnings) =>
            XmDomainParser.Parse(sections[List.Name].Stdout, computerName);

        /// <summary>
        /// <c>xm migrate [--live] -p PORT -- UUID HOST</c>. xm always gets the port: without <c>-p</c> xend connects to the port in
        /// the source's own xend-config.sxp (XendDomain._domain_migrate), which need not be the destination's. The domain is named by
        /// its UUID: xend's domain_lookup_nr tries names, then domids, then UUIDs, and refuses to create a domain whose name another
        /// domain answers to.
        /// </summary>
        public override string[] Migrate(MigrationTarget target, bool live, string? sshCommand, XenDomain domain, string source)
        {
            MigrateArguments.CheckTarget(target, source);
            var words = new List<string> { "xm", "migrate" };
            if (live) words.Add("--live");
            words.AddRange(new[] { "-p", target.Port.ToString(CultureInfo.InvariantCulture), "--", DomainUuid.IsUuid(domain.Uuid) ? domain.Uuid! : domain.Name, target.Host });
            return words.ToArray();
        }

        /// <summary>xend lists the domain it restores into as <c>migrating-NAME</c> until the transfer ends.</summary>
        public override string? ReceivingCommand(string guest) => ShellQuote.Join("xm", "list", IncomingName(guest)) + " >/dev/null 2>&1";

        public override string IncomingName(string guest) => "migrating-" + guest;

        /// <summary>xm destroy takes exactly one argument, as it is.</summary>
        public override string Destroy(string name) => "xm destroy " + ShellQuote.AsTyped(name);

        public override string DestroyShell(string name) => ShellQuote.Join("xm", "destroy", name);

        /// <summary>xend keeps the configuration of a domain created with 'xm new' until 'xm delete'.</summary>
        public override string? DeleteManaged(string name) => "xm delete " + ShellQuote.AsTyped(name);

        public override string RefusesClash(string clashName) => "xend refuses a new copy while it is there";

        public override string ShrinkDom0Command => "xm mem-set Domain-0";

        /// <summary>
        /// xend (XendCheckpoint.py <c>restore</c>: <c>balloon.free(memory + shadow + vtd_mem)</c>): nothing for a PV guest; for an
        /// x86 HVM guest the video RAM (image.py <c>X86_HVM_ImageHandler.getRequiredAvailableMemory</c>, <c>videoram</c> default
        /// 4 MiB) and the shadow memory (<c>getRequiredShadowMemory</c>: <c>4 * (256 * vcpus + 2 * maxmem_MiB)</c> KiB, rounded up
        /// to a whole MiB). The VT-d page tables xend adds on hosts with an IOMMU are not counted.
        /// </summary>
        public override long ReceiveOverheadMB(XenDomain domain, bool x86)
        {
            if (domain.Type != XenDomainType.HVM || !x86) return 0;
            return VideoRamMB + (4 * (256L * domain.VCpus + 2 * Math.Max(domain.MaxMemoryMB, domain.MemoryMB)) + 1023) / 1024;
        }

        public override string ReceiveOverheadText(XenDomain domain) =>
            domain.Type == XenDomainType.HVM
                ? $"that xend's restore adds for an HVM guest (4 MiB of video RAM, shadow memory of 1 MiB per vCPU and 8 KiB per MiB, for {domain.VCpus} vCPU(s))"
                : "that xend's restore adds for a guest that is not HVM";

        /// <summary>'xm resume' only restores what 'xm suspend' saved to disk.</summary>
        public override string? ResumeCommand(string xenVersion, string name, out string why)
        {
            why = "xm cannot resume it ('xm resume' only restores what 'xm suspend' saved to disk)";
            return null;
        }

        /// <summary>
        /// <c>xm create --quiet --dryrun -f PATH</c>: xm runs the file as its Python configuration script, as it does to start
        /// the domain, and prints the <c>(vm ...)</c> SXP it would send to xend (create.py <c>make_config</c>, dryrun);
        /// <c>--quiet</c> keeps its "Using config file" line off the output.
        /// </summary>
        public override string[] ConfigDryRun(string path) => new[] { "xm", "create", "--quiet", "--dryrun", "-f", path };

        public override XenDomain ParseConfigDryRun(string stdout, string computerName) => XmDomainParser.ParseConfig(stdout, computerName);

        public override string[] CreateFromConfig(string path) => new[] { "xm", "create", "-f", path };

        /// <summary>
        /// <c>xm save -- UUID FILE</c> (main.py xm_save, XendDomain.domain_save, XendCheckpoint.save): xend lists the domain as
        /// <c>migrating-NAME</c> while it writes the file, then destroys it. The domain is named by its UUID, as for <see cref="Migrate"/>.
        /// </summary>
        public override string[] SaveToFile(XenDomain domain, string file, string source) =>
            new[] { "xm", "save", "--", DomainUuid.IsUuid(domain.Uuid) ? domain.Uuid! : domain.Name, file };

        /// <summary>
        /// <c>xm restore FILE</c> (main.py xm_restore, XendDomain.domain_restore, XendCheckpoint.restore): xend refuses a domain whose
        /// name or UUID a running domain has, frees memory (balloon.free), creates the domain, loads the image and unpauses it.
        /// </summary>
        public override string[] RestoreFromFile(string file) => new[] { "xm", "restore", file };

        /// <summary>XendCheckpoint.restore: a domain with an id that answers to the saved guest's name, else to its UUID.</summary>
        public override string RestoreRefusesClash(string guest, XenDomain existing) =>
            $"xm restore refuses the guest while {existing.Name} is there (Domain '{guest}' already exists with ID '{existing.Id?.ToString(CultureInfo.InvariantCulture) ?? "None"}')";

        /// <summary>XendCheckpoint.save: a failed save logs "Save failed on domain NAME (ID) - resuming." and resumes the domain.</summary>
        public override string SaveFailureText => "when its save fails, xend resumes the domain (\"Save failed on domain ... - resuming.\" in xend.log)";
    }
}
