using Renci.SshNet;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// A long-lived <c>sh</c> on one exec channel of a connection, reading the commands to run from its standard input
    /// (<see cref="Remote.OutputFrame"/>). Opening a channel and starting a program on it take two round trips of their own; a command
    /// sent to a shell that is already running takes one.
    /// </summary>
    internal sealed class ShellChannel : IDisposable
    {
        private readonly SshCommand command;
        private readonly Task execution;
        private readonly Stream input;

        /// <summary>Starts <paramref name="command"/>, which opens its channel; blocks until the server has answered.</summary>
        private ShellChannel(SshCommand command)
        {
            this.command = command;
            execution = command.ExecuteAsync(CancellationToken.None);
            // The shell's end is read through IsOpen and the streams; its task only fails when the channel is disposed or lost.
            _ = execution.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            input = command.CreateInputStream();
        }

        /// <summary>The shell's standard output.</summary>
        public Stream Output => command.OutputStream;

        /// <summary>The shell's standard error.</summary>
        public Stream Errors => command.ExtendedOutputStream;

        /// <summary>False once the channel closed: the shell ended, the connection dropped, or the channel was disposed.</summary>
        public bool IsOpen => !execution.IsCompleted;

        /// <summary>Opens a channel and starts <c>sh</c> on it; blocks until the server has answered both.</summary>
        public static ShellChannel Open(SshClient client, Encoding encoding)
        {
            var command = client.CreateCommand("sh", encoding);
            try
            {
                return new ShellChannel(command);
            }
            catch
            {
                command.Dispose();
                throw;
            }
        }

        /// <summary>Writes <paramref name="text"/> to the shell's standard input; blocks while the server's window is full.</summary>
        public void Send(string text, Encoding encoding)
        {
            var bytes = encoding.GetBytes(text);
            input.Write(bytes, 0, bytes.Length);
            input.Flush();
        }

        /// <summary>
        /// Closes the channel, which ends both output streams; the shell reads the end of its input and exits once its command has ended.
        /// Blocks while SSH.NET waits for the server to confirm the close.
        /// </summary>
        public void Dispose() => command.Dispose();
    }
}
