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
        private const string DomainsCommand = "case \"$x_tool\" in xm) xm list --long;; xl) xl list;; *) " + ToolstackDetector.NoToolstack + ";; esac";

        private const string DomainsJsonCommand = "if [ \"$x_tool\" = xl ]; then xl list -l; fi";

        /// <summary>A batch holding the common sections; the source and destination probes add theirs.</summary>
        public static RemoteBatch NewBatch() => new RemoteBatch()
            .Add("env", XenToolstack.PathPrefix)
            .Add("tools", ToolstackDetector.ToolsCommand)
            .Add("receivers", IncomingCopies.ReceiversCommand)
            .Add("info", ToolstackDetector.ToolCommand("info"))
            .Add("domains", DomainsCommand)
            .Add("domains-json", DomainsJsonCommand)
            .Add("cpuinfo", "cat /proc/cpuinfo")
            .Add("bridges", XenToolstack.BridgesCommand);

        /// <summary>The facts in the common sections; a part that failed or could not be parsed gets its error, never an exception.</summary>
        public static HostFacts Read(string name, IReadOnlyDictionary<string, RemoteResult> sections)
        {
            var facts = new HostFacts { Name = name, Tools = ToolstackDetector.ReadTools(sections["tools"].Stdout) };
            var tool = facts.Tools.Toolstack switch
            {
                Toolstack.Xl => "xl ",
                Toolstack.Xm => "xm ",
                _ => "",
            };
            IReadOnlyList<KeyValuePair<string, string>> info = Array.Empty<KeyValuePair<string, string>>();
            if (sections["info"].ExitCode == 0) info = InfoParser.Parse(sections["info"].Stdout);
            else facts.InfoError = ProbeOutput.Failure(name, tool + "info", sections["info"]);
            var cpu = new CpuInfo();
            if (sections["cpuinfo"].ExitCode == 0) cpu = CpuInfoParser.Parse(sections["cpuinfo"].Stdout);
            else facts.CpuError = ProbeOutput.Failure(name, "cat /proc/cpuinfo", sections["cpuinfo"]);
            var bridges = Array.Empty<string>();
            if (sections["bridges"].ExitCode == 0) bridges = BridgeListParser.Parse(sections["bridges"].Stdout);
            else facts.BridgesError = ProbeOutput.Failure(name, "the bridge listing", sections["bridges"]);
            facts.Host = HostFactsParser.Create(name, facts.Tools.Toolstack ?? Toolstack.Xm, info, cpu, bridges);
            ReadDomains(facts, sections["domains"], sections["domains-json"]);
            return facts;
        }

        private static void ReadDomains(HostFacts facts, RemoteResult list, RemoteResult json)
        {
            var xl = facts.Tools.Toolstack == Toolstack.Xl;
            if (list.ExitCode != 0)
            {
                facts.DomainsError = ProbeOutput.Failure(facts.Name, xl ? "xl list" : "xm list --long", list);
                return;
            }
            if (xl && json.ExitCode != 0)
            {
                facts.DomainsError = ProbeOutput.Failure(facts.Name, "xl list -l", json);
                return;
            }
            try
            {
                facts.Domains = xl ? XlDomainParser.Parse(list.Stdout, json.Stdout, facts.Name, json.Stderr) : XmDomainParser.Parse(list.Stdout, facts.Name);
            }
            catch (XenParseException e)
            {
                facts.DomainsError = $"The domain list of {facts.Name} could not be read: {e.Message}";
            }
        }
    }
}
