using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>
    /// The part of the first round trip that both hosts run: the Xen tools on the PATH and whether xend runs, the migration
    /// receive processes (before the domain list, so that a receiver that ends in between has cleaned up before the list), the
    /// chosen toolstack's <c>info</c> and domain list, /proc/cpuinfo and the bridges. The toolstack is chosen on the host, by the rule
    /// of <see cref="ToolstackDetector"/>, with the same sections, so the facts are those of the moment.
    /// </summary>
    internal static class HostProbe
    {
        /// <summary>A batch holding the common sections; the source and destination probes add theirs.</summary>
        public static RemoteBatch NewBatch() => new RemoteBatch()
            .Add("env", XenToolstack.PathPrefix)
            .Add("tools", ToolstackDetector.ToolsCommand)
            .Add("receivers", IncomingCopies.ReceiversCommand)
            .Add("info", ToolstackDetector.ToolCommand("info"))
            .AddChosenListSections()
            .Add("cpuinfo", "cat /proc/cpuinfo")
            .Add("bridges", XenToolstack.BridgesCommand);

        /// <summary>The facts in the common sections; a part that failed or could not be parsed gets its error, never an exception.</summary>
        public static HostFacts Read(string name, IReadOnlyDictionary<string, RemoteResult> sections)
        {
            var facts = new HostFacts { Name = name, Tools = ToolstackDetector.ReadTools(sections["tools"].Stdout) };
            var tool = facts.Tools.Toolstack is Toolstack chosen ? chosen.Implementation().Command + " " : "";
            IReadOnlyList<KeyValuePair<string, string>> info = Array.Empty<KeyValuePair<string, string>>();
            if (sections["info"].ExitCode == 0) info = InfoParser.Parse(sections["info"].Stdout);
            else facts.InfoError = ProbeOutput.Failure(name, tool + "info", sections["info"]);
            var cpu = new CpuInfo();
            if (sections["cpuinfo"].ExitCode == 0) cpu = CpuInfoParser.Parse(sections["cpuinfo"].Stdout);
            else facts.CpuError = ProbeOutput.Failure(name, "cat /proc/cpuinfo", sections["cpuinfo"]);
            var bridges = Array.Empty<string>();
            if (sections["bridges"].ExitCode == 0) bridges = BridgeListParser.Parse(sections["bridges"].Stdout);
            else facts.BridgesError = ProbeOutput.Failure(name, "the bridge listing", sections["bridges"]);
            facts.Host = HostFactsParser.Create(name, facts.Tools.Assumed.Kind, info, cpu, bridges);
            var domains = DomainListing.Read(facts.Tools.Assumed, sections, name);
            facts.DomainsError = domains.Error;
            if (domains.Domains != null) facts.Domains = domains.Domains;
            return facts;
        }
    }
}
