using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Sessions;

namespace XenPS.Core.Migration
{
    /// <summary>What one poll of a running migration job returned.</summary>
    public sealed class MigrationPoll
    {
        public MigrationPoll(bool gone, int? exitCode, string newOutput)
        {
            Gone = gone;
            ExitCode = exitCode;
            NewOutput = newOutput;
        }

        /// <summary>The job's folder no longer exists (another run cleaned it up).</summary>
        public bool Gone { get; }

        /// <summary>The toolstack's exit code once it has ended; null while it runs.</summary>
        public int? ExitCode { get; }

        /// <summary>Output of the toolstack (stdout and stderr) since the last poll.</summary>
        public string NewOutput { get; }
    }

    /// <summary>
    /// The toolstack's migrate command run detached on the source dom0 (setsid, output to a file), so that it never
    /// depends on the SSH connection that started it. Its folder under /var/run/xenps is also the lock that keeps a
    /// second migration of the same domain from starting; a finished job's folder is taken over by the next one. The log
    /// also holds what the job's shell itself prints, such as "Aborted" for a command killed by SIGABRT.
    /// </summary>
    public sealed class RemoteMigrationJob
    {
        private const string DefaultFolder = "/var/run/xenps";
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

        /// <summary>Starts <paramref name="command"/> (program and arguments) detached; throws MigrationInProgress when the domain is being migrated already.</summary>
        public async Task StartAsync(IRemoteShell shell, string[] command, string owner, CancellationToken cancellationToken)
        {
            var result = await shell.RunAsync(StartScript(command, owner), Write, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode == 75)
            {
                var holder = result.Stdout.Trim();
                throw new XenSessionException("MigrationInProgress",
                    $"{Domain} is being migrated from {shell.ComputerName} already ({holder}); XenPS never starts a second migration of the same domain.");
            }
            if (result.ExitCode != 0 || result.Stdout.Trim() != "started")
            {
                throw new XenSessionException("MigrationStartFailed",
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
            shell.RunAsync("rm -rf -- " + ShellQuote.Quote(JobFolder), Write, cancellationToken);

        internal string StartScript(string[] command, string owner)
        {
            var l = ShellQuote.Quote(JobFolder);
            var sb = new StringBuilder();
            sb.Append("PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH\n")
              .Append("mkdir -p ").Append(ShellQuote.Quote(folder)).Append(" || exit 70\n")
              .Append("if ! mkdir ").Append(l).Append(" 2>/dev/null; then\n")
              .Append("  if [ -f ").Append(l).Append("/rc ]; then rm -rf -- ").Append(l).Append(" && mkdir ").Append(l).Append(" || exit 71\n")
              .Append("  else cat ").Append(l).Append("/owner 2>/dev/null; exit 75; fi\n")
              .Append("fi\n")
              .Append("printf '%s\\n' ").Append(ShellQuote.Quote(owner)).Append(" > ").Append(l).Append("/owner\n")
              .Append("setsid sh -c 'cd /; exec > \"$0/log\" 2>&1 < /dev/null; \"$@\"; echo $? > \"$0/rc.tmp\"; mv \"$0/rc.tmp\" \"$0/rc\"' ")
              .Append(l).Append(' ').Append(ShellQuote.Join(command)).Append(" > /dev/null 2>&1 < /dev/null &\n")
              .Append("echo started\n");
            return sb.ToString();
        }

        internal string PollScript(long offset)
        {
            var l = ShellQuote.Quote(JobFolder);
            return $"if [ ! -d {l} ]; then echo gone; exit 0; fi; " +
                   $"if [ -f {l}/rc ]; then printf 'rc:%s\\n' \"$(cat {l}/rc)\"; else echo running; fi; " +
                   $"tail -c +{(offset + 1).ToString(CultureInfo.InvariantCulture)} {l}/log 2>/dev/null; true";
        }

        internal static MigrationPoll ParsePoll(string stdout)
        {
            var newline = stdout.IndexOf('\n');
            var status = newline < 0 ? stdout : stdout.Substring(0, newline);
            var output = newline < 0 ? "" : stdout.Substring(newline + 1);
            if (status == "gone") return new MigrationPoll(true, null, "");
            if (status.StartsWith("rc:", StringComparison.Ordinal)
                && int.TryParse(status.Substring(3), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
            {
                return new MigrationPoll(false, code, output);
            }
            return new MigrationPoll(false, null, output);
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
