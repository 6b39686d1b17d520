using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Text;

namespace XenPS.Core.Toolstacks
{
    /// <summary>xl on libxl (Xen 4.1 and later). It lists domains with <c>xl list</c> (state, CPU time) and <c>xl list -l</c> (configuration, JSON).</summary>
    internal sealed class XlToolstack : ToolstackBase
    {
        /// <summary>The port of <c>xl migrate</c>'s ssh when its command gives none.</summary>
        private const int SshPort = 22;

        private const long PvExtraKB = 1024;
        private const long HvmExtraKB = 2048;
        private const long ArmExtraPagingPages = 128;

        private static readonly ListSection List = new ListSection("list", "xl", "list");
        private static readonly ListSection Long = new ListSection("long", "xl", "list", "-l");

        public XlToolstack()
            : base(Toolstack.Xl, "xl", usesXend: false, migratesOverSsh: true, alwaysLive: true, migratesPausedDomains: true, List, Long)
        {
        }

        public override int MigrationPort(int relocationPort) => SshPort;

        public override IReadOnlyList<XenDomain> ParseDomains(IReadOnlyDictionary<string, RemoteResult> sections, string computerName, ICollection<string> warnings) =>
            XlDomainParser.Parse(sections[List.Name].Stdout, sections[Long.Name].Stdout, computerName, sections[Long.Name].Stderr, warnings);

        /// <summary>
        /// <c>xl migrate [-s SSH] -- DOMID HOST</c>. The domain is named by its domid: xl's find_domain takes any all-digit argument
        /// for a domid, so a guest named 1 could not be named. The ssh command is checked here, right before it reaches the shell
        /// that xl runs it with, whoever chose it.
        /// </summary>
        public override string[] Migrate(MigrationTarget target, bool live, string? sshCommand, XenDomain domain, string source)
        {
            MigrateArguments.CheckTarget(target, source);
            var words = new List<string> { "xl", "migrate" };
            if (!string.IsNullOrEmpty(sshCommand))
            {
                if (SshCommandLine.ProblemWith(sshCommand!) is string sshProblem)
                {
                    throw new XenSessionException(XenSessionErrorId.SshCommandInvalid,
                        $"The ssh command {sshProblem}; nothing was started. Give -SshCommand as a program and its options, e.g. 'ssh -p 2222'.");
                }
                words.AddRange(new[] { "-s", sshCommand! });
            }
            var domid = domain.Id ?? throw new XenSessionException(XenSessionErrorId.DomainNotFound,
                $"{source} lists {VisibleText.Shorten(domain.Name)} without a domain id, so xl cannot be told which domain to move; nothing was started. Look at 'xl list' there.");
            words.AddRange(new[] { "--", domid.ToString(CultureInfo.InvariantCulture), target.Host });
            return words.ToArray();
        }

        /// <summary>xl's receiver builds <c>NAME--incoming</c>; its progress shows in the sender's output, not in a listing.</summary>
        public override string? ReceivingCommand(string guest) => null;

        public override string IncomingName(string guest) => guest + "--incoming";

        /// <summary>xl reads options with getopt, so a name that starts with a dash follows <c>--</c> (a guest named <c>-x</c> leaves <c>-x--incoming</c>).</summary>
        public override string Destroy(string name) =>
            name.StartsWith("-", StringComparison.Ordinal) ? "xl destroy -- " + ShellQuote.AsTyped(name) : "xl destroy " + ShellQuote.AsTyped(name);

        public override string DestroyShell(string name) => ShellQuote.Join("xl", "destroy", "--", name);

        /// <summary>xl keeps no domain configurations of its own.</summary>
        public override string? DeleteManaged(string name) => null;

        public override string RefusesClash(string clashName) => $"xl refuses a new copy while it is there (Domain with name \"{clashName}\" already exists)";

        public override string ShrinkDom0Command => "xl mem-set 0";

        /// <summary>
        /// xl (xl_vmcontrol.c <c>freemem</c>, libxl_mem.c <c>libxl__domain_need_memory_calculate</c>): the paging memory of
        /// libxl_create.c <c>libxl__get_required_paging_memory</c> (<c>4 * (256 * vcpus + maxmem_MiB)</c> KiB for a PV guest or a
        /// HAP HVM/PVH guest, plus 128 pages off x86) and 1 MiB (PV) or 2 MiB (HVM, PVH) extra, the whole need rounded up to 2 MiB.
        /// The VT-d page tables libxl adds on hosts with an IOMMU are not counted.
        /// </summary>
        public override long ReceiveOverheadMB(XenDomain domain, bool x86)
        {
            var pagingKB = 4 * (256L * domain.VCpus + Math.Max(domain.MaxMemoryMB, domain.MemoryMB) + (x86 ? 0 : ArmExtraPagingPages));
            var needKB = domain.MemoryMB * 1024 + pagingKB + (domain.Type == XenDomainType.PV ? PvExtraKB : HvmExtraKB);
            return (needKB + 2047) / 2048 * 2 - domain.MemoryMB;
        }

        public override string ReceiveOverheadText(XenDomain domain) =>
            $"that libxl adds (paging memory of 1 MiB per vCPU and 4 KiB per MiB, for {domain.VCpus} vCPU(s), and 1 MiB for PV or 2 MiB, rounded up to 2 MiB)";

        /// <summary><c>xl resume</c> came with Xen 4.18.</summary>
        public override string? ResumeCommand(string xenVersion, string name, out string why)
        {
            why = $"xl {xenVersion} has no command that resumes it ('xl resume' came with Xen 4.18)";
            return AtLeast(xenVersion, 4, 18) ? "xl resume " + ShellQuote.AsTyped(name) : null;
        }

        private static bool AtLeast(string version, int major, int minor)
        {
            var parts = version.Split('.');
            return parts.Length >= 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                && int.TryParse(new string(parts[1].TakeWhile(char.IsDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                && (a > major || (a == major && b >= minor));
        }

        /// <summary>
        /// <c>xl create -n -f PATH</c>: xl parses the file and prints the domain configuration as JSON (xl_vmcontrol.c
        /// create_domain, <c>dryrun_only</c>). The file is given with <c>-f</c>, because main_create takes a bare argument
        /// holding '=' for a line of extra configuration.
        /// </summary>
        public override string[] ConfigDryRun(string path) => new[] { "xl", "create", "-n", "-f", path };

        public override XenDomain ParseConfigDryRun(string stdout, string computerName) => XlDomainParser.ParseConfig(stdout, computerName);

        public override string[] CreateFromConfig(string path) => new[] { "xl", "create", "-f", path };

        /// <summary>
        /// <c>xl save -- DOMID FILE</c> (xl_saverestore.c main_save, save_domain): xl writes its savefile header with the domain's
        /// configuration and the memory image, then destroys the domain (without <c>-c</c> or <c>-p</c>). The domain is named by its
        /// domid, as for <see cref="Migrate"/>.
        /// </summary>
        public override string[] SaveToFile(XenDomain domain, string file, string source)
        {
            var domid = domain.Id ?? throw new XenSessionException(XenSessionErrorId.DomainNotRunning,
                $"{source} lists {VisibleText.Shorten(domain.Name)} without a domain id, so xl cannot be told which domain to save; nothing was changed. Look at 'xl list' there.");
            return new[] { "xl", "save", "--", domid.ToString(CultureInfo.InvariantCulture), file };
        }

        /// <summary>
        /// <c>xl restore FILE</c> (main_restore, xl_vmcontrol.c create_domain): the configuration comes from the file; xl frees memory
        /// for the domain (<c>failed to free memory for the domain</c>), libxl creates it (refusing a name that is taken), the image is
        /// loaded and the domain unpaused; xl then waits for its death in the background, as after <c>xl create</c>. The file is
        /// absolute, so it is never read as an option.
        /// </summary>
        public override string[] RestoreFromFile(string file) => new[] { "xl", "restore", file };

        /// <summary>libxl__domain_rename, as libxl__domain_make calls it for the restored domain's name.</summary>
        public override string RestoreRefusesClash(string guest, XenDomain existing) =>
            $"xl restore refuses the guest while {existing.Name} is there (Domain with name \"{guest}\" already exists)";

        /// <summary>save_domain: when libxl_domain_suspend fails, xl prints "Failed to save domain, resuming domain" and resumes it.</summary>
        public override string SaveFailureText => "when its save fails, xl resumes the domain (\"Failed to save domain, resuming domain\")";
    }
}
