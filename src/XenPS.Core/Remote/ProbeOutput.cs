namespace XenPS.Core.Remote
{
    /// <summary>Reading what the probe scripts print.</summary>
    public static class ProbeOutput
    {
        /// <summary>"'what' failed on host (exit code N): first words of stderr" for a section that did not exit 0.</summary>
        public static string Failure(string host, string what, RemoteResult result)
        {
            var message = OneLine(result.Stderr);
            if (message.Length == 0) message = OneLine(result.Stdout);
            return $"'{what}' failed on {host} (exit code {result.ExitCode})" + (message.Length == 0 ? "." : ": " + message);
        }

        /// <summary>Output folded onto one line, trimmed, at most 300 characters.</summary>
        public static string OneLine(string text)
        {
            var folded = string.Join(" ", text.Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries)).Trim();
            return folded.Length <= 300 ? folded : folded.Substring(0, 297) + "...";
        }
    }
}
