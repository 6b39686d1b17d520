using XenPS.Core.Migration;
using XenPS.Core.Parsing;
using XenPS.Core.Relocation;
using XenPS.Core.Remote;

namespace XenPS.Core.Readiness
{
    /// <summary>The destination's first round trip: the common host facts plus xend-config.sxp and the listening sockets.</summary>
    internal static class DestinationProbe
    {

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
            facts.Xend = XendSettings.Read(facts.Name, facts.Tools.XendRunning, section, out var error);
            facts.XendError = error;
        }
    }
}
