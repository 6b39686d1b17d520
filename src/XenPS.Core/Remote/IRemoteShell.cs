namespace XenPS.Core.Remote
{
    /// <summary>What one remote command printed and how it ended.</summary>
    /// <param name="ExitCode">The command's exit status as sh gives it (128 + the signal's number when a signal killed it); -1 when it has none.</param>
    /// <param name="Stdout">What it printed on its standard output.</param>
    /// <param name="Stderr">What it printed on its standard error.</param>
    public sealed record RemoteResult(int ExitCode, string Stdout, string Stderr);

    /// <summary>How a remote command runs.</summary>
    public sealed class RemoteRunOptions
    {
        /// <summary>The command changes nothing, so it may be sent again once over a new connection when the first one dropped.</summary>
        public bool ReadOnly { get; set; }

        /// <summary>The command needs root: it is wrapped in <c>sudo -n</c> when the session was opened with UseSudo.</summary>
        public bool NeedsRoot { get; set; } = true;

        /// <summary>Time limit for this command; null takes the session's command timeout (see <see cref="CommandLimits"/>).</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>Most bytes this command may print (standard output and error together); null takes the session's limit.</summary>
        public long? MaxOutputBytes { get; set; }

        /// <summary>What the command is, for messages (<c>the toolstack probe</c>); null names it by its first line.</summary>
        public string? What { get; set; }
    }

    /// <summary>A shell on one dom0. Commands are POSIX sh text built with <see cref="ShellQuote"/>.</summary>
    public interface IRemoteShell
    {
        /// <summary>The host as the user named it.</summary>
        string ComputerName { get; }

        /// <summary>
        /// Runs <paramref name="command"/> with <c>sh -c</c> semantics and returns its exit code and output. A command that reaches its
        /// time or output limit is stopped and throws <see cref="RemoteCommandStoppedException"/>.
        /// </summary>
        Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken);
    }
}
