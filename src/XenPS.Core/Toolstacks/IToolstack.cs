using XenPS.Core.Model;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>
    /// Everything XenPS knows of one Xen toolstack: its command, how it lists domains, how it migrates and removes them, and
    /// what it needs on the hosts. This folder is the only place that tells xm from xl; the rest of XenPS asks an
    /// <see cref="IToolstack"/>. A further toolstack is one more implementation, listed in <see cref="ToolstackImplementations"/>
    /// and in <see cref="ToolstackDetector"/>'s choice rule.
    /// </summary>
    public interface IToolstack
    {
        Toolstack Kind { get; }

        /// <summary>The command on the dom0: <c>xm</c>, <c>xl</c>.</summary>
        string Command { get; }

        /// <summary>The toolstack as a message names it: <c>xm with xend</c>, <c>xl</c>.</summary>
        string Description { get; }

        /// <summary>
        /// Runs through the xend daemon: it must run on both hosts, it receives migrations on its relocation server
        /// (xend-config.sxp), and it balloons dom0 to make room for an incoming domain.
        /// </summary>
        bool UsesXend { get; }

        /// <summary>The source's toolstack logs in to the destination with ssh and runs the receiver there (else: xend's relocation port).</summary>
        bool MigratesOverSsh { get; }

        /// <summary>Every migration is live: there is no way to ask for a stop-and-copy one.</summary>
        bool AlwaysLive { get; }

        /// <summary>A paused domain can be migrated (and stays paused on the destination).</summary>
        bool MigratesPausedDomains { get; }

        /// <summary>The port the migration connects to when none is given: xl's ssh port, else <paramref name="relocationPort"/>.</summary>
        int MigrationPort(int relocationPort);

        /// <summary>The commands whose sections <see cref="DomainListing"/> reads into the host's domains, in order.</summary>
        IReadOnlyList<ListSection> DomainListSections { get; }

        /// <summary>The domains in the sections of <see cref="DomainListSections"/> (all of which exited 0); throws XenParseException.</summary>
        IReadOnlyList<XenDomain> ParseDomains(IReadOnlyDictionary<string, RemoteResult> sections, string computerName, ICollection<string> warnings);

        /// <summary>
        /// The migrate command for <paramref name="target"/>, as words. The domain is given as what the toolstack cannot take for
        /// another one, after <c>--</c> so that no name is read as an option.
        /// </summary>
        string[] Migrate(MigrationTarget target, bool live, string? sshCommand, XenDomain domain, string source);

        /// <summary>A command that exits 0 while the destination lists <paramref name="guest"/> as being received, or null where no listing tells.</summary>
        string? ReceivingCommand(string guest);

        /// <summary>The name under which the destination lists <paramref name="guest"/> while it receives it.</summary>
        string IncomingName(string guest);

        /// <summary>The command that removes <paramref name="name"/>, as a user types it at a shell (a name the shell would split quoted).</summary>
        string Destroy(string name);

        /// <summary>The same command as shell text for the host, each word quoted.</summary>
        string DestroyShell(string name);

        /// <summary>The command that removes a managed domain's configuration from the toolstack, or null where the toolstack manages none.</summary>
        string? DeleteManaged(string name);

        /// <summary>What the destination's toolstack says when a copy of that name is still there.</summary>
        string RefusesClash(string clashName);

        /// <summary>What the toolstack asks for beyond the domain's memory when it receives <paramref name="domain"/> (MiB).</summary>
        long ReceiveOverheadMB(XenDomain domain, bool x86);

        /// <summary>What <see cref="ReceiveOverheadMB"/> is made of, for a message: "that xend's restore adds for ...".</summary>
        string ReceiveOverheadText(XenDomain domain);

        /// <summary>The command that shrinks dom0, without its size: <c>xl mem-set 0</c>, <c>xm mem-set Domain-0</c>.</summary>
        string ShrinkDom0Command { get; }

        /// <summary>The command that reads the domain configuration file <paramref name="path"/> and prints the domain it describes without starting it, as words.</summary>
        string[] ConfigDryRun(string path);

        /// <summary>The domain that the output of <see cref="ConfigDryRun"/> describes (no domain id: it does not run); throws XenParseException.</summary>
        XenDomain ParseConfigDryRun(string stdout, string computerName);

        /// <summary>The command that starts a domain from its configuration file <paramref name="path"/>, as words.</summary>
        string[] CreateFromConfig(string path);

        /// <summary>The command that resumes a domain left suspended by a failed migration, or null with <paramref name="why"/> when there is none.</summary>
        string? ResumeCommand(string xenVersion, string name, out string why);

        /// <summary>
        /// The command that writes the running <paramref name="domain"/>'s state (its memory and configuration) to the file
        /// <paramref name="file"/> and then destroys the domain, as words. The domain is named as in <see cref="Migrate"/>.
        /// </summary>
        string[] SaveToFile(XenDomain domain, string file, string source);

        /// <summary>The command that creates a domain from the state file <paramref name="file"/> and lets it run, as words.</summary>
        string[] RestoreFromFile(string file);

        /// <summary>What the toolstack's restore of <paramref name="guest"/> says when the host has <paramref name="existing"/> (of that name, or for xm of its UUID), for a message.</summary>
        string RestoreRefusesClash(string guest, XenDomain existing);

        /// <summary>What the toolstack does with the domain when its save fails, for a message.</summary>
        string SaveFailureText { get; }
    }

    /// <summary>One section of a domain listing: its name in the batch and the command's words.</summary>
    public sealed class ListSection
    {
        public ListSection(string name, params string[] words)
        {
            Name = name;
            Words = words;
        }

        public string Name { get; }

        public IReadOnlyList<string> Words { get; }

        /// <summary>The command as a message shows it, e.g. <c>xl list -l</c>.</summary>
        public string What => string.Join(" ", Words);
    }

    /// <summary>The implementation of each toolstack.</summary>
    public static class ToolstackImplementations
    {
        private static readonly IToolstack Xm = new XmToolstack();
        private static readonly IToolstack Xl = new XlToolstack();

        /// <summary>Every toolstack XenPS knows, in the order the detection prefers them.</summary>
        public static IReadOnlyList<IToolstack> All { get; } = new[] { Xm, Xl };

        /// <summary>The implementation of <paramref name="kind"/>.</summary>
        public static IToolstack Implementation(this Toolstack kind) => All.First(t => t.Kind == kind);
    }
}
