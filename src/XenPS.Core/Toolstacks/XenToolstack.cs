using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>
    /// The read side of a dom0's toolstack: its domains and its host facts, each fetched in one SSH round trip.
    /// xm reads <c>xm list --long</c> (SXP); xl reads <c>xl list</c> (state, CPU time) and <c>xl list -l</c> (JSON config).
    /// </summary>
    public sealed class XenToolstack
    {
        internal const string PathPrefix = "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH";

        /// <summary>Restarts xend as the dom0's init does where it can (Debian's init script, SUSE's rcxend), else with xend itself.</summary>
        internal const string XendRestartCommand = PathPrefix + "; " +
            "if [ -x /etc/init.d/xend ]; then /etc/init.d/xend restart; " +
            "elif command -v rcxend >/dev/null 2>&1; then rcxend restart; " +
            "else xend restart; fi";

        internal const string BridgesCommand = "for b in /sys/class/net/*/bridge; do [ -d \"$b\" ] && basename \"${b%/bridge}\"; done; true";

        private static readonly RemoteRunOptions ReadOnlyRoot = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };

        private readonly IRemoteShell shell;

        public XenToolstack(IRemoteShell shell, Toolstack kind)
        {
            this.shell = shell ?? throw new ArgumentNullException(nameof(shell));
            Kind = kind;
        }

        public Toolstack Kind { get; }

        private string Tool => Kind.Implementation().Command;

        /// <summary>Every domain on the host, dom0 included.</summary>
        public async Task<IReadOnlyList<XenDomain>> GetDomainsAsync(CancellationToken cancellationToken) =>
            (await GetDomainListAsync(cancellationToken).ConfigureAwait(false)).Domains;

        /// <summary>Every domain on the host, dom0 included, and what the toolstack's outputs disagreed on (xl: the table and the JSON).</summary>
        public async Task<DomainList> GetDomainListAsync(CancellationToken cancellationToken)
        {
            var implementation = Kind.Implementation();
            var sections = await new RemoteBatch().Add("env", PathPrefix).AddListSections(implementation)
                .RunAsync(shell, ReadOnlyRoot, cancellationToken).ConfigureAwait(false);
            if (DomainListing.Failure(implementation, sections, shell.ComputerName) is string failure)
            {
                throw new XenSessionException(XenSessionErrorId.ToolstackCommandFailed, failure);
            }
            var warnings = new List<string>();
            return new DomainList(implementation.ParseDomains(sections, shell.ComputerName, warnings), warnings);
        }

        /// <summary>Host facts from <c>xm info</c>/<c>xl info</c>, /proc/cpuinfo and the bridges in /sys/class/net.</summary>
        public async Task<XenHost> GetHostAsync(CancellationToken cancellationToken)
        {
            var sections = await new RemoteBatch()
                .Add("env", PathPrefix)
                .Add("info", ShellQuote.Join(Tool, "info"))
                .Add("cpuinfo", ShellQuote.Join("cat", "/proc/cpuinfo"))
                .Add("bridges", BridgesCommand)
                .RunAsync(shell, ReadOnlyRoot, cancellationToken).ConfigureAwait(false);
            var info = InfoParser.Parse(Expect(sections, "info", Tool + " info"));
            var cpu = CpuInfoParser.Parse(Expect(sections, "cpuinfo", "cat /proc/cpuinfo"));
            var bridges = BridgeListParser.Parse(Expect(sections, "bridges", "the bridge listing"));
            return HostFactsParser.Create(shell.ComputerName, Kind, info, cpu, bridges);
        }

        private string Expect(IReadOnlyDictionary<string, RemoteResult> sections, string name, string what) =>
            sections[name].ExitCode == 0
                ? sections[name].Stdout
                : throw new XenSessionException(XenSessionErrorId.ToolstackCommandFailed, ProbeOutput.Failure(shell.ComputerName, what, sections[name]));
    }

    /// <summary>The domains of a host and the warnings about what its toolstack printed.</summary>
    /// <param name="Domains">Every domain on the host, dom0 included.</param>
    /// <param name="Warnings">Lines of the output that belong to no domain, each a sentence naming the host; control characters escaped.</param>
    public sealed record DomainList(IReadOnlyList<XenDomain> Domains, IReadOnlyList<string> Warnings);
}
