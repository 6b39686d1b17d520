using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>xm with the xend daemon (Xen 3.x to 4.4).</summary>
    internal sealed class XmToolstack : ToolstackBase
    {
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

        /// <summary>'xm resume' only restores what 'xm suspend' saved to disk.</summary>
        public override string? ResumeCommand(string xenVersion, string name, out string why)
        {
            why = "xm cannot resume it ('xm resume' only restores what 'xm suspend' saved to disk)";
            return null;
        }
    }
}
