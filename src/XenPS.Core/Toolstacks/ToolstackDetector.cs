using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Sessions;
using XenPS.Core.Text;

namespace XenPS.Core.Toolstacks
{
    /// <summary>Finds which toolstack a dom0 runs, in one SSH round trip.</summary>
    public static class ToolstackDetector
    {
        /// <summary>
        /// The probe, whose own output lines start with <paramref name="marker"/> (new and random for every run, so that nothing a tool
        /// prints can pass for a result): whether xm and xl are on the PATH and whether xend runs (<c>xend status</c>), then the <c>info</c>
        /// output of the toolstack that will be used (xl, unless xend runs and xm exists) between an <c>info=</c> and an <c>end-info=</c> marker line.
        /// </summary>
        public static string ProbeScript(string marker) =>
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH\n" +
            "m=" + ShellQuote.Quote(marker) + "\n" +
            "xm=$(command -v xm 2>/dev/null)\n" +
            "xl=$(command -v xl 2>/dev/null)\n" +
            "xend=stopped\n" +
            "if [ -n \"$xm\" ] && xend status >/dev/null 2>&1; then xend=running; fi\n" +
            "tool=\n" +
            "if [ -n \"$xm\" ] && [ \"$xend\" = running ]; then tool=xm; elif [ -n \"$xl\" ]; then tool=xl; fi\n" +
            "printf '%s xm=%s\\n%s xl=%s\\n%s xend=%s\\n%s info=%s\\n' \"$m\" \"$xm\" \"$m\" \"$xl\" \"$m\" \"$xend\" \"$m\" \"$tool\"\n" +
            "if [ -n \"$tool\" ]; then \"$tool\" info; printf '\\n%s end-info=%s\\n' \"$m\" \"$?\"; fi\n" +
            "exit 0\n";

        private static readonly RemoteRunOptions ProbeOptions = new RemoteRunOptions
        {
            ReadOnly = true,
            NeedsRoot = true,
            What = "the toolstack probe (command -v xm xl; xend status; xm or xl info)",
        };

        /// <summary>Runs <see cref="ProbeScript"/> with a new marker (as root through sudo when the session uses sudo) and interprets its output.</summary>
        public static async Task<ToolstackDetection> DetectAsync(IRemoteShell shell, CancellationToken cancellationToken)
        {
            if (shell is null) throw new ArgumentNullException(nameof(shell));
            var marker = RemoteBatch.NewNonce() + "@@probe";
            var result = await shell.RunAsync(ProbeScript(marker), ProbeOptions, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new XenSessionException(XenSessionErrorId.ProbeFailed,
                    $"The toolstack probe failed on {shell.ComputerName} (exit code {result.ExitCode}): {VisibleText.Escape(result.Stderr.Trim())}");
            }
            return Interpret(result.Stdout, shell.ComputerName, marker);
        }

        /// <summary>
        /// Reads the output of <see cref="ProbeScript"/> run with <paramref name="marker"/>: only lines that start with it are the probe's, and the first line of a key wins (the
        /// probe prints its own before any tool runs). The toolstack is xm when xend runs and xm exists, else xl when it exists,
        /// else xm (xend stopped: the version stays unknown and later checks report it). Neither on the PATH: not a dom0.
        /// </summary>
        public static ToolstackDetection Interpret(string probeOutput, string computerName, string marker)
        {
            if (probeOutput is null) throw new ArgumentNullException(nameof(probeOutput));
            if (string.IsNullOrEmpty(marker)) throw new ArgumentException("The probe needs a marker.", nameof(marker));
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var info = new List<string>();
            var inInfo = false;
            foreach (var line in probeOutput.Replace("\r\n", "\n").Split('\n'))
            {
                if (!line.StartsWith(marker + " ", StringComparison.Ordinal))
                {
                    if (inInfo) info.Add(line);
                    continue;
                }
                var pair = line.Substring(marker.Length + 1);
                var equals = pair.IndexOf('=');
                if (equals <= 0) continue;
                var key = pair.Substring(0, equals);
                if (values.ContainsKey(key)) continue;
                values[key] = pair.Substring(equals + 1);
                inInfo = key == "info" && values[key].Length > 0;
            }
            if (!values.TryGetValue("xm", out var xm) || !values.TryGetValue("xl", out var xl))
            {
                throw new XenSessionException(XenSessionErrorId.ProbeFailed,
                    $"The toolstack probe on {computerName} printed no result. Check that {computerName} has a POSIX sh and runs commands over SSH.");
            }
            var available = new List<Toolstack>();
            if (xm.Length > 0) available.Add(Toolstack.Xm);
            if (xl.Length > 0) available.Add(Toolstack.Xl);
            if (available.Count == 0)
            {
                throw new XenSessionException(XenSessionErrorId.NotXenHost,
                    $"{computerName} is not a Xen dom0: neither xm nor xl is on the PATH (/usr/sbin, /usr/bin, /sbin, /bin). Check that the Xen tools are installed there.");
            }
            var xendRunning = values.TryGetValue("xend", out var xend) && xend == "running";
            var toolstack = xm.Length > 0 && (xendRunning || xl.Length == 0) ? Toolstack.Xm : Toolstack.Xl;
            var infoLines = InfoParser.Parse(string.Join("\n", info));
            return new ToolstackDetection(toolstack, available, xendRunning, XenVersionOf(infoLines), infoLines);
        }

        private static string XenVersionOf(IReadOnlyList<KeyValuePair<string, string>> info)
        {
            var major = InfoParser.Get(info, "xen_major");
            var minor = InfoParser.Get(info, "xen_minor");
            return major is null || minor is null ? "" : $"{major}.{minor}{InfoParser.Get(info, "xen_extra")}";
        }
    }
}
