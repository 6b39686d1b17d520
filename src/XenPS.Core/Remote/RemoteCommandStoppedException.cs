using XenPS.Core.Text;

namespace XenPS.Core.Remote
{
    /// <summary>
    /// XenPS stopped a remote command that reached its time limit (<see cref="XenSessionErrorId.CommandTimeout"/>) or printed more
    /// than its output limit (<see cref="XenSessionErrorId.OutputLimitExceeded"/>). The message names the host and the command.
    /// </summary>
    public sealed class RemoteCommandStoppedException : XenSessionException
    {
        internal RemoteCommandStoppedException(XenErrorId errorId, string computerName, string command, string limit, string partialStdout)
            : base(errorId, BuildMessage(errorId, computerName, command, limit))
        {
            ComputerName = computerName;
            Command = command;
            Limit = limit;
            PartialStdout = partialStdout;
        }

        /// <summary>The host as the user named it.</summary>
        public string ComputerName { get; }

        /// <summary>The command as the message names it.</summary>
        public string Command { get; }

        /// <summary>The limit it reached, as the message gives it (<c>300 s</c>, <c>16 MiB</c>).</summary>
        public string Limit { get; }

        /// <summary>What the command had printed on its standard output when it was stopped (at most the output limit).</summary>
        internal string PartialStdout { get; }

        /// <summary>The same failure naming <paramref name="command"/> (a step of a script) instead, without the partial output.</summary>
        internal RemoteCommandStoppedException For(string command) =>
            new RemoteCommandStoppedException(ErrorId, ComputerName, command, Limit, "");

        private static string BuildMessage(XenErrorId errorId, string computerName, string command, string limit)
        {
            var host = VisibleText.Escape(computerName);
            return errorId == XenSessionErrorId.OutputLimitExceeded
                ? $"'{command}' on {host} printed more than {limit} (standard output and error together): XenPS stopped it and read no further. " +
                  $"A tool that prints without end is broken or hostile: check it on {host}. To read more from a host with that much to say, " +
                  "open its session with a larger New-XenSession -MaxCommandOutput."
                : $"'{command}' on {host} did not finish within {limit}: XenPS stopped waiting for it. " +
                  "Give more time with New-XenSession -CommandTimeout, or check why the host is slow.";
        }
    }
}
