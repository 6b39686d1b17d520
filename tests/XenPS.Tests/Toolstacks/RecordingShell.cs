using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Remote;

namespace XenPS.Tests.Toolstacks
{
    /// <summary>Runs commands on another shell and keeps each command and its output, to check their sizes.</summary>
    internal sealed class RecordingShell : IRemoteShell
    {
        private readonly IRemoteShell inner;

        public RecordingShell(IRemoteShell inner)
        {
            this.inner = inner;
        }

        public string ComputerName => inner.ComputerName;

        public List<string> Commands { get; } = new List<string>();

        public List<string> Outputs { get; } = new List<string>();

        public async Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            Commands.Add(command);
            var result = await inner.RunAsync(command, options, cancellationToken);
            Outputs.Add(result.Stdout);
            return result;
        }
    }
}
