using System;
using System.Collections.Generic;
using XenPS.Core.Sessions;

namespace XenPS.Core.Readiness
{
    /// <summary>Reading what the probe scripts print.</summary>
    internal static class ProbeOutput
    {
        /// <summary>The <c>key=value</c> lines of <paramref name="text"/> (split at the first <c>=</c>; the last of a key wins); other lines are ignored.</summary>
        public static Dictionary<string, string> KeyValues(string text)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                var equals = line.IndexOf('=');
                if (equals > 0) values[line.Substring(0, equals)] = line.Substring(equals + 1);
            }
            return values;
        }

        /// <summary>The value of <paramref name="key"/>, or empty.</summary>
        public static string Get(this Dictionary<string, string> values, string key) =>
            values.TryGetValue(key, out var value) ? value : "";

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
