using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Relocation
{
    /// <summary>A change to one host's xend-config.sxp, worked out but not yet written.</summary>
    public sealed class RelocationPlan
    {
        internal RelocationPlan(XenSession session, RemoteFileContent original, SxpDocument before, SxpDocument after, XendRelocationConfig current)
        {
            Session = session;
            Original = original;
            Before = before;
            After = after;
            Current = current;
            Changes = SxpDocument.Diff(before, after);
            Proposed = RelocationService.Describe(session.ComputerName, original.Path, after, fileExists: true);
        }

        public XenSession Session { get; }

        public RemoteFileContent Original { get; }

        public SxpDocument Before { get; }

        public SxpDocument After { get; }

        /// <summary>The settings as the file has them now, with the host's xend and listener state.</summary>
        public XendRelocationConfig Current { get; }

        /// <summary>The settings the file will have.</summary>
        public XendRelocationConfig Proposed { get; }

        public IReadOnlyList<SxpLineChange> Changes { get; }

        public bool HasChanges => Changes.Count > 0;

        /// <summary>The change turns on, or keeps on, a relocation server that admits every host.</summary>
        public bool OpensToEveryone => Proposed.IsOpenToEveryone && HasChanges;

        /// <summary>What the proposed hosts-allow is that admits every host (see <see cref="XendHostsAllow.AdmitsEveryone"/>); null when it does not.</summary>
        public string? OpenToEveryoneReason => OpensToEveryone ? XendHostsAllow.AdmitsEveryone(Proposed.HostsAllow) : null;

        /// <summary>The changed lines as a small diff: <c>- old</c> / <c>+ new</c>, with line numbers.</summary>
        public string DiffText => string.Join(Environment.NewLine, Changes.Select(c =>
            c.OldText is null ? $"+{c.LineNumber}: {c.NewText}" : c.NewText is null ? $"-{c.LineNumber}: {c.OldText}" : $"-{c.LineNumber}: {c.OldText}{Environment.NewLine}+{c.LineNumber}: {c.NewText}"));
    }

    /// <summary>Reads and changes the relocation settings of xend on one host.</summary>
    public static class RelocationService
    {
        /// <summary>Latin-1 maps every byte to one character and back, so bytes that are not UTF-8 survive an edit.</summary>
        internal static readonly System.Text.Encoding FileEncoding = System.Text.Encoding.GetEncoding(28591);

        public const string DefaultConfigPath = "/etc/xen/xend-config.sxp";

        private static readonly RemoteRunOptions ReadOnlyRoot = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };
        private static readonly RemoteRunOptions Root = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true };

        /// <summary>
        /// The file's settings (xend's defaults where a key is absent, and all of them where the file is), whether xend runs
        /// and whether anything listens on the port.
        /// </summary>
        public static async Task<XendRelocationConfig> GetAsync(XenSession session, string path, CancellationToken cancellationToken)
        {
            var (_, config) = await ReadStateAsync(session, path, cancellationToken).ConfigureAwait(false);
            return config;
        }

        /// <summary>
        /// Reads the host's file and works out the edit; nothing is written. Only an existing file is changed: where it is
        /// missing, xend may read another file (XEND_CONFIG), and the admin decides whether to restore the distribution's
        /// documented file or start from an empty one.
        /// </summary>
        /// <exception cref="XenSessionException"><see cref="XenSessionErrorId.XendConfigNotFound"/>: the file does not exist.</exception>
        public static async Task<RelocationPlan> PlanAsync(XenSession session, string path, RelocationEdit edit, CancellationToken cancellationToken)
        {
            var (content, current) = await ReadStateAsync(session, path, cancellationToken).ConfigureAwait(false);
            if (content is null)
            {
                throw new XenSessionException(XenSessionErrorId.XendConfigNotFound,
                    $"{path} does not exist on {session.ComputerName}, so xend there runs with its built-in defaults (relocation server off); " +
                    "Set-XendRelocation changes an existing file only. Restore the file that your distribution's Xen package installs (it documents every setting), " +
                    $"or create an empty one, which xend reads as it reads no file ('touch {path}' as root on {session.ComputerName}); then run Set-XendRelocation again. " +
                    "If this host's xend reads another file (XEND_CONFIG), name it with -Path.");
            }
            var before = SxpDocument.Parse(FileEncoding.GetString(content.Bytes));
            SxpDocument after;
            try
            {
                after = RelocationSettings.Apply(before, edit);
            }
            catch (XenSessionException e) when (e.ErrorId == XenSessionErrorId.AllowedHostNotFound)
            {
                throw new XenSessionException(e.ErrorId, $"On {session.ComputerName}, {e.Message}", e);
            }
            return new RelocationPlan(session, content, before, after, current);
        }

        /// <summary>
        /// Writes the plan (nothing when it changes nothing) as <see cref="RemoteFile.ReplaceAsync"/> does, restarts xend
        /// when asked, and returns the settings read back from the host. <paramref name="notice"/> gets what the user should
        /// know besides: that a symbolic link's target was edited, or that another program appended to the file meanwhile.
        /// </summary>
        public static async Task<XendRelocationConfig> ApplyAsync(RelocationPlan plan, bool restart, DateTime utcNow, Action<string> notice, CancellationToken cancellationToken)
        {
            if (notice is null) throw new ArgumentNullException(nameof(notice));
            var session = plan.Session;
            string? backup = null;
            if (plan.HasChanges)
            {
                var bytes = FileEncoding.GetBytes(plan.After.ToString());
                var replaced = await RemoteFile.ReplaceAsync(session.Shell, plan.Original, bytes, RemoteFile.BackupSuffixFor(utcNow), cancellationToken).ConfigureAwait(false);
                backup = replaced.BackupPath;
                if (replaced.WrittenPath != plan.Original.Path)
                {
                    notice($"{plan.Original.Path} on {session.ComputerName} is a symbolic link: its target {replaced.WrittenPath} was changed, and the link kept.");
                }
                if (replaced.ConcurrentlyAppendedBytes > 0)
                {
                    notice($"Another program appended {replaced.ConcurrentlyAppendedBytes} bytes to {replaced.WrittenPath} on {session.ComputerName} while it was replaced; " +
                        $"they are kept at the end of the new file. Check that they belong there; the file before the change (with them) is {backup}.");
                }
                if (restart) await RestartXendAsync(session, plan.Proposed, cancellationToken).ConfigureAwait(false);
            }
            var (_, after) = await ReadStateAsync(session, plan.Original.Path, cancellationToken).ConfigureAwait(false);
            after.Changed = plan.HasChanges;
            after.BackupPath = backup;
            return after;
        }

        /// <summary>
        /// What to tell the user about a host without its configuration file: xend runs with its defaults, which are the
        /// settings shown.
        /// </summary>
        public static string AbsentFileNote(XendRelocationConfig config)
        {
            if (config is null) throw new ArgumentNullException(nameof(config));
            return $"{config.ComputerName} has no {config.Path}: xend there runs with its built-in defaults, which are shown " +
                $"(relocation server {(config.Server ? "on" : "off")}), unless it was started with another file in XEND_CONFIG.";
        }

        internal static XendRelocationConfig Describe(string computerName, string path, SxpDocument document, bool fileExists)
        {
            var config = RelocationSettings.Read(document);
            config.ComputerName = computerName;
            config.Path = path;
            config.FileExists = fileExists;
            return config;
        }

        /// <summary>
        /// The file that <see cref="RemoteFile.ReadCommand(string)"/> read, and its document; for a missing file, no content and an
        /// empty document, which is how xend reads a missing file (<c>XendOptionsFile.set_config</c>).
        /// </summary>
        internal static (RemoteFileContent? Content, SxpDocument Document) ReadConfig(string computerName, string path, RemoteResult section)
        {
            if (RemoteFile.IsMissing(section)) return (null, SxpDocument.Parse(""));
            var content = RemoteFile.FromReadResult(computerName, path, section);
            return (content, SxpDocument.Parse(FileEncoding.GetString(content.Bytes)));
        }

        private static async Task RestartXendAsync(XenSession session, XendRelocationConfig proposed, CancellationToken cancellationToken)
        {
            var result = await session.Shell.RunAsync(XenToolstack.XendRestartCommand, Root, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new XenSessionException(XenSessionErrorId.XendRestartFailed,
                    $"The new settings are written, but xend on {session.ComputerName} did not restart (exit code {result.ExitCode}): {(result.Stderr + result.Stdout).Trim()}");
            }
            if (!proposed.Server) return;
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var listeners = await ReadListenersAsync(session, cancellationToken).ConfigureAwait(false);
                if (ListenerTable.IsListening(listeners, proposed.Port, proposed.Address)) return;
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }

        private static async Task<IReadOnlyList<(string Address, int Port)>> ReadListenersAsync(XenSession session, CancellationToken cancellationToken)
        {
            var sections = await new RemoteBatch()
                .Add("tcp", "cat /proc/net/tcp")
                .Add("tcp6", "cat /proc/net/tcp6 2>/dev/null; true")
                .RunAsync(session.Shell, ReadOnlyRoot, cancellationToken).ConfigureAwait(false);
            return ListenerTable.Parse(sections["tcp"].Stdout, sections["tcp6"].Stdout);
        }

        /// <summary>The file (null when it is missing) and the settings xend uses with it, with the host's xend and listener state.</summary>
        private static async Task<(RemoteFileContent? Content, XendRelocationConfig Config)> ReadStateAsync(XenSession session, string path, CancellationToken cancellationToken)
        {
            RequireXend(session);
            var sections = await new RemoteBatch()
                .Add("env", XenToolstack.PathPrefix)
                .Add("config", RemoteFile.ReadCommand(path, RemoteFile.ReadChunkBytes))
                .Add("xend", "xend status >/dev/null 2>&1")
                .Add("tcp", "cat /proc/net/tcp")
                .Add("tcp6", "cat /proc/net/tcp6 2>/dev/null; true")
                .RunAsync(session.Shell, ReadOnlyRoot, cancellationToken).ConfigureAwait(false);
            var content = RemoteFile.IsMissing(sections["config"]) ? null
                : await RemoteFile.CompleteReadAsync(session.Shell, path, sections["config"], cancellationToken).ConfigureAwait(false);
            var config = DescribeFile(session.ComputerName, path, content);
            config.XendRunning = sections["xend"].ExitCode == 0;
            config.Listening = ListenerTable.IsListening(ListenerTable.Parse(sections["tcp"].Stdout, sections["tcp6"].Stdout), config.Port, config.Address);
            return (content, config);
        }

        /// <summary>The settings of the file read (none: a missing file); a file xend cannot read fails naming the file and the host.</summary>
        private static XendRelocationConfig DescribeFile(string computerName, string path, RemoteFileContent? content)
        {
            try
            {
                return Describe(computerName, path, SxpDocument.Parse(content is null ? "" : FileEncoding.GetString(content.Bytes)), content != null);
            }
            catch (XenParseException e)
            {
                throw new XenParseException($"{path} on {computerName} cannot be read: {e.Message}", e);
            }
        }

        private static void RequireXend(XenSession session)
        {
            if (session.AvailableToolstacks.Any(t => t.Implementation().UsesXend)) return;
            throw new XenSessionException(XenSessionErrorId.XendNotInstalled,
                $"{session.ComputerName} has only the xl toolstack, which has no relocation server: xl migrates over SSH. " +
                $"What xl needs instead is that root on the source dom0 can log in to {session.ComputerName} without a password " +
                $"(on the source: ssh -o BatchMode=yes {session.ComputerName} true).");
        }
    }
}
