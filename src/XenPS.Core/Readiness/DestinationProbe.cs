using System.Collections.Generic;
using XenPS.Core.Migration;
using XenPS.Core.Parsing;
using XenPS.Core.Relocation;
using XenPS.Core.Remote;

namespace XenPS.Core.Readiness
{
    /// <summary>The destination's first round trip: the common host facts plus xend-config.sxp and the listening sockets.</summary>
    internal static class DestinationProbe
    {
        public const string Dom0MinMemKey = "dom0-min-mem";
        public const string Dom0BallooningKey = "enable-dom0-ballooning";

        public static RemoteBatch NewBatch() => MigrationTargetProbe.AddDestinationSections(HostProbe.NewBatch()
            .Add("xend-config", RemoteFile.ReadCommand(RelocationService.DefaultConfigPath))
            .Add("tcp", "cat /proc/net/tcp")
            .Add("tcp6", "cat /proc/net/tcp6 2>/dev/null; true"));

        /// <summary>The common facts, xend's settings (on a host with xm) and the listeners.</summary>
        public static HostFacts Read(string name, IReadOnlyDictionary<string, RemoteResult> sections)
        {
            var facts = HostProbe.Read(name, sections);
            facts.Identity = MigrationTargetProbe.ReadDestination(sections);
            if (facts.Tools.XmPath.Length > 0) ReadXend(facts, sections["xend-config"]);
            if (sections["receivers"].ExitCode == 0) facts.Receivers = IncomingCopies.ParseReceivers(sections["receivers"].Stdout);
            if (sections["tcp"].ExitCode != 0)
            {
                facts.ListenersError = ProbeOutput.Failure(name, "cat /proc/net/tcp", sections["tcp"]);
                return facts;
            }
            try
            {
                facts.Listeners = ListenerTable.Parse(sections["tcp"].Stdout, sections["tcp6"].Stdout);
            }
            catch (XenParseException e)
            {
                facts.ListenersError = $"The listening sockets of {name} could not be read: {e.Message}";
            }
            return facts;
        }

        /// <summary>
        /// xend's relocation settings and its dom0 ballooning settings (<c>XendOptions.py</c>: <c>dom0-min-mem</c> default 0,
        /// <c>enable-dom0-ballooning</c> default yes unless dom0-min-mem is 0).
        /// </summary>
        internal static void ReadXend(HostFacts facts, RemoteResult section)
        {
            facts.Xend = ReadXend(facts.Name, facts.Tools.XendRunning, section, out var error);
            facts.XendError = error;
        }

        /// <summary>
        /// The settings from a read of xend-config.sxp on <paramref name="name"/> (xend's defaults when there is no such file);
        /// null, with <paramref name="error"/> saying why, when it could not be read.
        /// </summary>
        internal static XendSettings? ReadXend(string name, bool xendRunning, RemoteResult section, out string? error)
        {
            error = null;
            try
            {
                var (content, document) = RelocationService.ReadConfig(name, RelocationService.DefaultConfigPath, section);
                var minMem = RelocationSettings.ReadInt(document, Dom0MinMemKey, 0);
                var relocation = RelocationService.Describe(name, RelocationService.DefaultConfigPath, document, content != null);
                relocation.XendRunning = xendRunning;
                return new XendSettings
                {
                    Relocation = relocation,
                    Dom0MinMemMB = minMem,
                    Dom0Ballooning = RelocationSettings.ReadBool(document, Dom0BallooningKey, minMem != 0),
                };
            }
            catch (XenSessionException e)
            {
                error = e.Message;
            }
            catch (XenParseException e)
            {
                error = $"{RelocationService.DefaultConfigPath} on {name} could not be read: {e.Message}";
            }
            return null;
        }
    }
}
