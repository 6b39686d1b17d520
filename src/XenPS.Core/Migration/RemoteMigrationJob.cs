using System.Security.Cryptography;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;

namespace XenPS.Core.Migration
{
    /// <summary>What one poll of a running migration job returned.</summary>
    /// <param name="Gone">The job's folder no longer exists (another run cleaned it up).</param>
    /// <param name="ExitCode">The toolstack's exit code once it has ended; null while it runs.</param>
    /// <param name="NewOutput">Output of the toolstack (stdout and stderr) since the last poll.</param>
    /// <param name="Ended">No process of the job runs any more, and none recorded an exit code: its shell was killed.</param>
    /// <param name="SentBytes">While the job runs: the bytes the source's interface towards the migration target has sent since the start, where that could be read.</param>
    public sealed record MigrationPoll(bool Gone, int? ExitCode, string NewOutput, bool Ended = false, long? SentBytes = null);

    /// <summary>
    /// The toolstack's migrate command run detached on the source dom0 (setsid, output to a file), so that it never
    /// depends on the SSH connection that started it. Its folder under /var/run/xenps is also the lock that keeps a
    /// second migration of the same domain from starting. The job's shell leads a session of its own and records its id
    /// (<c>pid</c>): while any process of that session runs (pgrep -s), the toolstack may still be at work. A finished
    /// job's folder, or one whose session has no process left, is taken over by the next one. The log also holds what the
    /// job's shell itself prints, such as "Aborted" for a command killed by SIGABRT.
    /// </summary>
    public sealed class RemoteMigrationJob
    {
        internal const string DefaultFolder = "/var/run/xenps";
        private const string Script = "migration-job.sh";
        private static readonly RemoteRunOptions Write = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true };
        private static readonly RemoteRunOptions Read = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };

        private readonly string folder;

        public RemoteMigrationJob(string domain)
            : this(domain, DefaultFolder)
        {
        }

        internal RemoteMigrationJob(string domain, string folder)
        {
            Domain = domain ?? throw new ArgumentNullException(nameof(domain));
            this.folder = folder;
            JobFolder = folder + "/migrate-" + Key(domain);
        }

        public string Domain { get; }

        /// <summary>The job's folder on the source: lock, output and exit code.</summary>
        public string JobFolder { get; }

        /// <summary>The file on the source that gets the toolstack's output.</summary>
        public string LogPath => JobFolder + "/log";

        /// <summary>The address or host name the migration goes to, whose route tells the interface whose sent bytes the polls count; empty for none.</summary>
        public string Target { get; init; } = "";

        /// <summary>Starts <paramref name="command"/> (program and arguments) detached; throws MigrationInProgress when the domain is being migrated already.</summary>
        public async Task StartAsync(IRemoteShell shell, string[] command, string owner, CancellationToken cancellationToken)
        {
            var result = await shell.RunAsync(StartScript(command, owner), Write, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 75)
            {
                var lines = result.Stdout.Replace("\r\n", "\n").Split('\n');
                var holder = lines[0].Trim();
                var session = lines.Length > 1 ? lines[1].Trim() : "";
                var lockText = session.Length > 0
                    ? $"The lock is {JobFolder} on {shell.ComputerName}, held by the processes of session {session}; XenPS takes it over by itself once none of them runs ('pgrep -s {session}' prints nothing)."
                    : $"The lock is {JobFolder} on {shell.ComputerName}; once no migration of {Domain} runs there ('ps -ef | grep migrate'), remove it with 'rm -rf -- {JobFolder}'.";
                throw new XenSessionException(XenSessionErrorId.MigrationInProgress,
                    $"{Domain} is being migrated from {shell.ComputerName} already ({holder}); XenPS never starts a second migration of the same domain. {lockText}");
            }
            if (result.ExitCode != 0 || result.Stdout.Trim() != "started")
            {
                throw new XenSessionException(XenSessionErrorId.MigrationStartFailed,
                    $"The migration of {Domain} could not be started on {shell.ComputerName} (exit code {result.ExitCode}): {(result.Stderr + result.Stdout).Trim()}");
            }
        }

        /// <summary>Reads whether the job has ended and its output after byte <paramref name="offset"/>.</summary>
        public async Task<MigrationPoll> PollAsync(IRemoteShell shell, long offset, CancellationToken cancellationToken)
        {
            var result = await shell.RunAsync(PollScript(offset), Read, cancellationToken).ConfigureAwait(false);
            return ParsePoll(result.Stdout);
        }

        /// <summary>Removes the job's folder, which releases the lock.</summary>
        public Task ReleaseAsync(IRemoteShell shell, CancellationToken cancellationToken) =>
            shell.RunAsync(RemoteScripts.Call(Script, "xenps_job_release", JobFolder), Write, cancellationToken);

        internal string StartScript(string[] command, string owner) =>
            RemoteScripts.Call(Script, "xenps_job_start", new[] { folder, JobFolder, owner, Target }.Concat(command).ToArray());

        /// <summary>
        /// The most a poll reads of the job's output. A running job's output is read from the front, at most this much per poll,
        /// so that a toolstack that prints without end is followed in steps; an ended job's from the back, where its last words are.
        /// </summary>
        internal const int PollChunk = 256 * 1024;

        internal string PollScript(long offset) =>
            RemoteScripts.Call(Script, "xenps_job_poll", JobFolder, (offset + 1).ToString(CultureInfo.InvariantCulture), PollChunk.ToString(CultureInfo.InvariantCulture));

        internal static MigrationPoll ParsePoll(string stdout)
        {
            var newline = stdout.IndexOf('\n');
            var status = newline < 0 ? stdout : stdout.Substring(0, newline);
            var output = newline < 0 ? "" : stdout.Substring(newline + 1);
            if (status == "gone") return new MigrationPoll(true, null, "");
            if (status == "ended") return new MigrationPoll(false, null, output, Ended: true);
            if (status.StartsWith("rc:", StringComparison.Ordinal)
                && int.TryParse(status.Substring(3), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
            {
                return new MigrationPoll(false, code, output);
            }
            var sent = status.StartsWith("running ", StringComparison.Ordinal)
                && long.TryParse(status.Substring(8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bytes) ? bytes : (long?)null;
            return new MigrationPoll(false, null, output, SentBytes: sent);
        }

        private static string Key(string domain)
        {
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(domain));
                var sb = new StringBuilder();
                for (var i = 0; i < 8; i++) sb.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }
    }
}
