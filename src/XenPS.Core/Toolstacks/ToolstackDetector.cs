using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>
    /// Finds which toolstack a dom0 runs: the one rule, used when a session opens and by every readiness probe. Its sections go
    /// into a <see cref="RemoteBatch"/>, whose nonce frames keep anything a tool prints from passing for a result.
    /// </summary>
    public static class ToolstackDetector
    {
        /// <summary>
        /// The Xen tools on the PATH and whether xend runs, as <c>key=value</c> lines; the toolstack in use is xm when xend runs,
        /// else xl when it exists, else xm (xend stopped: the version stays unknown and later checks say so), and none without either.
        /// It leaves the choice in <c>x_tool</c> for the sections after it.
        /// </summary>
        internal const string ToolsCommand =
            "x_xm=$(command -v xm 2>/dev/null); x_xl=$(command -v xl 2>/dev/null); x_xend=$(command -v xend 2>/dev/null)\n" +
            "x_xend_status=stopped; if [ -n \"$x_xend\" ] && xend status >/dev/null 2>&1; then x_xend_status=running; fi\n" +
            "x_tool=; if [ -n \"$x_xm\" ] && [ $x_xend_status = running ]; then x_tool=xm; elif [ -n \"$x_xl\" ]; then x_tool=xl; elif [ -n \"$x_xm\" ]; then x_tool=xm; fi\n" +
            "printf 'xm=%s\\nxl=%s\\nxend=%s\\nxend-status=%s\\ntool=%s\\n' \"$x_xm\" \"$x_xl\" \"$x_xend\" \"$x_xend_status\" \"$x_tool\"";

        /// <summary>What a section that needs a toolstack does without one: say so and fail.</summary>
        internal const string NoToolstack = "echo 'neither xm nor xl is on the PATH (/usr/sbin, /usr/bin, /sbin, /bin)' >&2; false";

        /// <summary>
        /// Adds the domain listing of the toolstack chosen by <see cref="ToolsCommand"/>: each section of any toolstack's listing runs
        /// that toolstack's command when it is the one chosen; the first fails without a toolstack, the others do nothing then.
        /// </summary>
        internal static RemoteBatch AddChosenListSections(this RemoteBatch batch)
        {
            var names = ToolstackImplementations.All.SelectMany(t => t.DomainListSections).Select(s => s.Name).Distinct().ToList();
            foreach (var name in names)
            {
                var cases = ToolstackImplementations.All.Select(t =>
                    $"{t.Command}) {t.DomainListSections.Where(s => s.Name == name).Select(s => ShellQuote.Join(s.Words.ToArray())).DefaultIfEmpty(":").First()};; ");
                batch.Add(name, "case \"$x_tool\" in " + string.Concat(cases) + "*) " + (name == names[0] ? NoToolstack : ":") + ";; esac");
            }
            return batch;
        }

        /// <summary>Runs a command of the toolstack chosen by <see cref="ToolsCommand"/>, e.g. <c>info</c>.</summary>
        internal static string ToolCommand(string arguments) => "case \"$x_tool\" in xm|xl) \"$x_tool\" " + arguments + ";; *) " + NoToolstack + ";; esac";

        private static readonly RemoteRunOptions ProbeOptions = new RemoteRunOptions
        {
            ReadOnly = true,
            NeedsRoot = true,
            What = "the toolstack probe (command -v xm xl xend; xend status; xm or xl info)",
        };

        /// <summary>The detection's sections: the PATH, the tools, and the chosen toolstack's <c>info</c>.</summary>
        internal static RemoteBatch NewBatch() => new RemoteBatch()
            .Add("env", XenToolstack.PathPrefix)
            .Add("tools", ToolsCommand)
            .Add("info", ToolCommand("info"));

        /// <summary>Detects the toolstack in one round trip (as root through sudo when the session uses sudo).</summary>
        public static async Task<ToolstackDetection> DetectAsync(IRemoteShell shell, CancellationToken cancellationToken)
        {
            if (shell is null) throw new ArgumentNullException(nameof(shell));
            return Interpret(await ProbeAsync(shell, NewBatch(), cancellationToken).ConfigureAwait(false), shell.ComputerName);
        }

        /// <summary>
        /// Runs <paramref name="batch"/>, the sections of <see cref="NewBatch"/> and any a caller adds to the same round trip, as the probe
        /// (as root through sudo when the session uses sudo).
        /// </summary>
        internal static async Task<IReadOnlyDictionary<string, RemoteResult>> ProbeAsync(IRemoteShell shell, RemoteBatch batch, CancellationToken cancellationToken)
        {
            try
            {
                return await batch.RunAsync(shell, ProbeOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (XenSessionException e) when (e.ErrorId == XenSessionErrorId.RemoteScriptIncomplete)
            {
                throw new XenSessionException(XenSessionErrorId.ProbeFailed,
                    $"The toolstack probe on {shell.ComputerName} printed no result. Check that {shell.ComputerName} has a POSIX sh and runs commands over SSH. ({e.Message})", e);
            }
        }

        /// <summary>The detection from the sections of <see cref="NewBatch"/>; neither xm nor xl on the PATH is not a dom0.</summary>
        internal static ToolstackDetection Interpret(IReadOnlyDictionary<string, RemoteResult> sections, string computerName)
        {
            var tools = ReadTools(sections["tools"].Stdout);
            var available = new List<Toolstack>();
            if (tools.XmPath.Length > 0) available.Add(Toolstack.Xm);
            if (tools.XlPath.Length > 0) available.Add(Toolstack.Xl);
            if (tools.Toolstack is not Toolstack toolstack)
            {
                throw new XenSessionException(XenSessionErrorId.NotXenHost,
                    $"{computerName} is not a Xen dom0: neither xm nor xl is on the PATH (/usr/sbin, /usr/bin, /sbin, /bin). Check that the Xen tools are installed there.");
            }
            var info = sections["info"];
            var infoLines = info.ExitCode == 0 ? InfoParser.Parse(info.Stdout) : Array.Empty<KeyValuePair<string, string>>();
            return new ToolstackDetection(toolstack, available, tools.XendRunning, XenVersionOf(infoLines), infoLines);
        }

        /// <summary>Reads the <see cref="ToolsCommand"/> section's <c>key=value</c> lines.</summary>
        internal static ToolFacts ReadTools(string stdout)
        {
            var values = KeyValueLines.Parse(stdout);
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

        private static string XenVersionOf(IReadOnlyList<KeyValuePair<string, string>> info)
        {
            var major = InfoParser.Get(info, "xen_major");
            var minor = InfoParser.Get(info, "xen_minor");
            return major is null || minor is null ? "" : $"{major}.{minor}{InfoParser.Get(info, "xen_extra")}";
        }
    }
}
