using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Remote;

namespace XenPS.Tests.Toolstacks
{
    /// <summary>A real /bin/sh on this machine behind the IRemoteShell interface: the script framing needs no network.</summary>
    internal sealed class LocalShell : IRemoteShell
    {
        private readonly string? path;

        /// <summary>A shell whose PATH is <paramref name="path"/>, or this process's.</summary>
        public LocalShell(string? path = null)
        {
            this.path = path;
        }

        public string ComputerName => "localhost";

        public async Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
            if (path != null) start.Environment["PATH"] = path;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return new RemoteResult(process.ExitCode, await stdout, await stderr);
        }
    }
}
