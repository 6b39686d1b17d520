using System.Diagnostics;
using System.Text.RegularExpressions;
using XenPS.Core.Scripts;
using XenPS.Core.Text;

namespace XenPS.Core.Remote
{
    /// <summary>
    /// What -Verbose shows of the remote commands, in one line format for every cmdlet: <c>HOST #N run: COMMAND</c> as a
    /// command starts, then <c>HOST #N exit CODE after T ms</c> (or why it ended without one). N pairs the two lines when
    /// commands run in parallel. The listener is set around the work a cmdlet starts; it is an AsyncLocal, so it follows that
    /// work into every task it starts, and only that work.
    /// </summary>
    public static class RemoteTrace
    {
        private const int CommandLength = 400;
        private const string Masked = "********";
        private static readonly AsyncLocal<Action<string>?> Listener = new AsyncLocal<Action<string>?>();
        private static readonly Regex Space = new Regex(@"\s+", RegexOptions.CultureInvariant);
        private static int sequence;

        /// <summary>
        /// Sends the trace of every remote command that the work started until the returned object is disposed runs to
        /// <paramref name="listener"/>, which may be called on any thread.
        /// </summary>
        public static IDisposable Listen(Action<string> listener)
        {
            var previous = Listener.Value;
            Listener.Value = listener ?? throw new ArgumentNullException(nameof(listener));
            return new Restore(() => Listener.Value = previous);
        }

        /// <summary>The trace of one command that starts now on <paramref name="computerName"/>; null when nobody listens.</summary>
        public static Step? Start(string computerName, string command, IEnumerable<string> secrets)
        {
            if (Listener.Value is not Action<string> listener) return null;
            var prefix = $"{computerName} #{Interlocked.Increment(ref sequence)}";
            listener($"{prefix} run: {Display(command, secrets)}");
            return new Step(listener, prefix);
        }

        /// <summary>
        /// The command as a line: a batch's frames taken out, each embedded script's text shortened to its name (its call follows), white space folded,
        /// every secret masked, control characters escaped, and at most <see cref="CommandLength"/> characters.
        /// </summary>
        internal static string Display(string command, IEnumerable<string> secrets)
        {
            var text = RemoteScripts.Shorten(RemoteBatch.Unframed(command));
            foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s))) text = text.Replace(secret, Masked);
            text = VisibleText.Escape(Space.Replace(text, " ").Trim());
            return text.Length <= CommandLength ? text : text.Substring(0, CommandLength - 3) + "...";
        }

        /// <summary>One traced command: its end is written once, with the exit code or why it ended without one.</summary>
        public sealed class Step
        {
            private readonly Action<string> listener;
            private readonly string prefix;
            private readonly Stopwatch clock = Stopwatch.StartNew();

            internal Step(Action<string> listener, string prefix)
            {
                this.listener = listener;
                this.prefix = prefix;
            }

            /// <summary>The command ended with <paramref name="exitCode"/> (-1: killed by a signal).</summary>
            public void Exited(int exitCode) => End(exitCode < 0 ? "ended without an exit code" : $"exit {exitCode}");

            /// <summary>The command was stopped, or its connection lost, with <paramref name="error"/>.</summary>
            public void Failed(Exception error) => End($"failed ({error.GetType().Name})");

            private void End(string how) => listener($"{prefix} {how} after {clock.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
        }

        private sealed class Restore : IDisposable
        {
            private Action? undo;

            public Restore(Action undo) => this.undo = undo;

            public void Dispose()
            {
                undo?.Invoke();
                undo = null;
            }
        }
    }
}
