using System;
using System.Collections.Generic;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>
    /// The part of the first round trip that both hosts run: the Xen tools on the PATH and whether xend runs, the migration
    /// receive processes (before the domain list, so that a receiver that ends in between has cleaned up before the list), the
    /// chosen toolstack's <c>info</c> and domain list, /proc/cpuinfo and the bridges. The toolstack is chosen on the host, by the rule
    /// of <see cref="ToolstackDetector"/> (xm when xend runs, else xl, else xm), so the facts are those of the moment.
    /// </summary>
    internal static class HostProbe
    {
        private const string NoTool = "echo 'neither xm nor xl is on the PATH (/usr/sbin, /usr/bin, /sbin, /bin)' >&2; false";

        private const string ToolsCommand =
            "x_xm=$(command -v xm 2>/dev/null); x_xl=$(command -v xl 2>/dev/null); x_xend=$(command -v xend 2>/dev/null)\n" +
            "x_xend_status=stopped; if [ -n \"$x_xend\" ] && xend status >/dev/null 2>&1; then x_xend_status=running; fi\n" +
            "x_tool=; if [ -n \"$x_xm\" ] && [ $x_xend_status = running ]; then x_tool=xm; elif [ -n \"$x_xl\" ]; then x_tool=xl; elif [ -n \"$x_xm\" ]; then x_tool=xm; fi\n" +
            "printf 'xm=%s\\nxl=%s\\nxend=%s\\nxend-status=%s\\ntool=%s\\n' \"$x_xm\" \"$x_xl\" \"$x_xend\" \"$x_xend_status\" \"$x_tool\"";

        private const string InfoCommand = "case \"$x_tool\" in xm|xl) \"$x_tool\" info;; *) " + NoTool + ";; esac";

        private const string DomainsCommand = "case \"$x_tool\" in xm) xm list --long;; xl) xl list;; *) " + NoTool + ";; esac";

        private const string DomainsJsonCommand = "if [ \"$x_tool\" = xl ]; then xl list -l; fi";

        /// <summary>A batch holding the common sections; the source and destination probes add theirs.</summary>
        public static RemoteBatch NewBatch() => new RemoteBatch()
            .Add("env", XenToolstack.PathPrefix)
            .Add("tools", ToolsCommand)
            .Add("receivers", IncomingCopies.ReceiversCommand)
            .Add("info", InfoCommand)
            .Add("domains", DomainsCommand)
            .Add("domains-json", DomainsJsonCommand)
            .Add("cpuinfo", "cat /proc/cpuinfo")
            .Add("bridges", XenToolstack.BridgesCommand);

        /// <summary>The facts in the common sections; a part that failed or could not be parsed gets its error, never an exception.</summary>
        public static HostFacts Read(string name, IReadOnlyDictionary<string, RemoteResult> sections)
        {
            var facts = new HostFacts { Name = name, Tools = ReadTools(sections["tools"].Stdout) };
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

        /// <summary>Reads the <c>tools</c> section's <c>key=value</c> lines.</summary>
        public static ToolFacts ReadTools(string stdout)
        {
            var values = ProbeOutput.KeyValues(stdout);
            return new ToolFacts
            {
                XmPath = values.Get("xm"),
                XlPath = values.Get("xl"),
                XendPath = values.Get("xend"),
                XendRunning = values.Get("xend-status") == "running",
                Toolstack = values.Get("tool") switch
                {
                    "xm" => Toolstack.Xm,
                    "xl" => Toolstack.Xl,
                    _ => (Toolstack?)null,
                },
            };
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
