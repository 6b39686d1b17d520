using System.Security.Cryptography;

namespace XenPS.Core.Remote
{
    /// <summary>
    /// Several shell commands sent to a host as one script (one SSH round trip), each command's stdout, stderr
    /// and exit code recovered separately. Sections are framed by marker lines carrying a random nonce, so no
    /// output of a command (a domain name, a file) can forge a frame.
    /// </summary>
    public sealed class RemoteBatch
    {
        private readonly List<string> names = new List<string>();
        private readonly List<string> commands = new List<string>();
        private readonly StringBuilder script = new StringBuilder();
        private readonly string nonce;

        public RemoteBatch()
            : this(NewNonce())
        {
        }

        internal RemoteBatch(string nonce)
        {
            this.nonce = nonce;
        }

        /// <summary>Adds a section; <paramref name="command"/> is shell text built with <see cref="ShellQuote"/>.</summary>
        public RemoteBatch Add(string name, string command)
        {
            var index = names.Count;
            names.Add(name);
            commands.Add(command);
            // Each section opens and closes its frame on both streams; the closing frame on stdout carries the exit status.
            script.Append(
                $"printf '\\n%s\\n' '{Begin(index)}'; printf '\\n%s\\n' '{Begin(index)}' >&2; " +
                $"{{ {command}\n}}; " +
                $"printf '\\n%s:%s\\n' '{End(index)}' \"$?\"; printf '\\n%s\\n' '{End(index)}' >&2\n");
            return this;
        }

        private static readonly System.Text.RegularExpressions.Regex Frame = new System.Text.RegularExpressions.Regex(
            @"printf '\\n%s\\n' '@@xenps-\w+:begin:\d+'; printf '\\n%s\\n' '@@xenps-\w+:begin:\d+' >&2; \{ |" +
            @"\n\}; printf '\\n%s:%s\\n' '@@xenps-\w+:end:\d+' ""\$\?""; printf '\\n%s\\n' '@@xenps-\w+:end:\d+' >&2\n",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary><paramref name="script"/> with the frames of its sections taken out, as a trace shows it: the sections' commands, each after a ';'.</summary>
        internal static string Unframed(string script) => Frame.Replace(script, m => m.Value.StartsWith("printf", StringComparison.Ordinal) ? "" : "; ");

        /// <summary>The script that runs every section in order.</summary>
        public string Script => script.ToString();

        /// <summary>
        /// Runs the batch and splits the result; a section the script never reached throws. A script stopped at its time or output
        /// limit throws <see cref="RemoteCommandStoppedException"/> naming the section's command that was running.
        /// </summary>
        public async Task<IReadOnlyDictionary<string, RemoteResult>> RunAsync(IRemoteShell shell, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            RemoteResult result;
            try
            {
                result = await shell.RunAsync(Script, options, cancellationToken).ConfigureAwait(false);
            }
            catch (RemoteCommandStoppedException e) when (options.What is null)
            {
                throw e.For(CommandLimits.Describe(commands[Running(e.PartialStdout)]));
            }
            return Split(result, shell.ComputerName);
        }

        /// <summary>The section that was running when the script printed <paramref name="stdout"/>: the last one begun (the first when none was).</summary>
        internal int Running(string stdout)
        {
            for (var i = names.Count - 1; i > 0; i--)
            {
                if (stdout.IndexOf("\n" + Begin(i) + "\n", StringComparison.Ordinal) >= 0) return i;
            }
            return 0;
        }

        /// <summary>Splits the combined output of <see cref="Script"/> into one result per section.</summary>
        public IReadOnlyDictionary<string, RemoteResult> Split(RemoteResult combined, string computerName)
        {
            var sections = new Dictionary<string, RemoteResult>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                var stdout = Between(combined.Stdout, "\n" + Begin(i) + "\n", "\n" + End(i) + ":", out var tail);
                var stderr = Between(combined.Stderr, "\n" + Begin(i) + "\n", "\n" + End(i) + "\n", out _);
                if (stdout is null || tail is null)
                {
                    throw new XenSessionException(
                        XenSessionErrorId.RemoteScriptIncomplete,
                        $"The remote script on {computerName} stopped before its step '{names[i]}' finished (exit code {combined.ExitCode}). {combined.Stderr.Trim()}");
                }
                var exitText = tail.Split('\n')[0].Trim();
                var exitCode = int.Parse(exitText, NumberStyles.Integer, CultureInfo.InvariantCulture);
                sections[names[i]] = new RemoteResult(exitCode, stdout, stderr ?? "");
            }
            return sections;
        }

        private string Begin(int index) => $"{nonce}:begin:{index}";

        private string End(int index) => $"{nonce}:end:{index}";

        private static string? Between(string text, string start, string end, out string? tail)
        {
            tail = null;
            var normalized = "\n" + text;
            var from = normalized.IndexOf(start, StringComparison.Ordinal);
            if (from < 0) return null;
            from += start.Length;
            var to = normalized.IndexOf(end, from, StringComparison.Ordinal);
            if (to < 0) return null;
            tail = normalized.Substring(to + end.Length);
            return normalized.Substring(from, to - from);
        }

        /// <summary>A new random marker, <c>@@xenps-</c> and 24 hex digits: unknown to the host until the script that carries it is sent.</summary>
        internal static string NewNonce()
        {
            var bytes = new byte[12];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }
            var sb = new StringBuilder("@@xenps-");
            foreach (var b in bytes) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
