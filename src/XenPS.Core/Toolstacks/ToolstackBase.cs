using XenPS.Core.Model;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>What sets a toolstack apart as plain facts, given once by each implementation; its commands are its own code.</summary>
    internal abstract class ToolstackBase(
        Toolstack kind, string description, bool usesXend, bool migratesOverSsh, bool alwaysLive, bool migratesPausedDomains, params ListSection[] listSections)
        : IToolstack
    {
        public Toolstack Kind => kind;

        /// <summary>The program its listing runs: every toolstack is one command.</summary>
        public string Command => listSections[0].Words[0];

        public string Description => description;

        public bool UsesXend => usesXend;

        public bool MigratesOverSsh => migratesOverSsh;

        public bool AlwaysLive => alwaysLive;

        public bool MigratesPausedDomains => migratesPausedDomains;

        public IReadOnlyList<ListSection> DomainListSections => listSections;

        public abstract string ShrinkDom0Command { get; }

        public abstract long ReceiveOverheadMB(XenDomain domain, bool x86);

        public abstract string ReceiveOverheadText(XenDomain domain);

        public abstract int MigrationPort(int relocationPort);

        public abstract IReadOnlyList<XenDomain> ParseDomains(IReadOnlyDictionary<string, RemoteResult> sections, string computerName, ICollection<string> warnings);

        public abstract string[] Migrate(MigrationTarget target, bool live, string? sshCommand, XenDomain domain, string source);

        public abstract string? ReceivingCommand(string guest);

        public abstract string IncomingName(string guest);

        public abstract string Destroy(string name);

        public abstract string DestroyShell(string name);

        public abstract string? DeleteManaged(string name);

        public abstract string RefusesClash(string clashName);

        public abstract string? ResumeCommand(string xenVersion, string name, out string why);

        public abstract string[] ConfigDryRun(string path);

        public abstract XenDomain ParseConfigDryRun(string stdout, string computerName);

        public abstract string[] CreateFromConfig(string path);

        public abstract string[] SaveToFile(XenDomain domain, string file, string source);

        public abstract string[] RestoreFromFile(string file);

        public abstract string RestoreRefusesClash(string guest, XenDomain existing);

        public abstract string SaveFailureText { get; }
    }
}
