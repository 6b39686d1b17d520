using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Remote;

namespace XenPS.Tests.Readiness
{
    /// <summary>
    /// A dom0 on this machine without namespaces or SSH: this machine's /bin/sh, with the lab's simulated xl
    /// (tests/XenLab/xensim) on the PATH and its state under a private root (XENSIM_ROOT), built from a lab profile.
    /// </summary>
    internal sealed class SimulatedDom0 : IRemoteShell
    {
        private readonly string bin;
        private readonly string root;

        private SimulatedDom0(string name, string bin, string root)
        {
            ComputerName = name;
            this.bin = bin;
            this.root = root;
        }

        public string ComputerName { get; }

        /// <summary>Writes host <paramref name="name"/> of <paramref name="profile"/> under <paramref name="folder"/> and returns its shell.</summary>
        public static SimulatedDom0 Create(string folder, string profile, string name)
        {
            var simulator = Locate();
            var bin = Path.Combine(folder, "bin");
            Directory.CreateDirectory(bin);
            var xl = Path.Combine(bin, "xl");
            File.WriteAllText(xl, $"#!/bin/sh\nexec python3 '{simulator}' xl \"$@\"\n");
            var root = Path.Combine(folder, name);
            foreach (var (program, arguments) in new[] { ("chmod", new[] { "755", xl }), ("python3", new[] { simulator, "init-state", "--profile", profile, "--root", root, "--host", name }) })
            {
                var (exitCode, stderr) = Run(program, arguments);
                if (exitCode != 0) throw new InvalidOperationException($"{program} failed: {stderr}");
            }
            return new SimulatedDom0(name, bin, root);
        }

        public async Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken)
        {
            var start = Start("/bin/sh", "-c", command);
            start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") + ":" + bin;
            start.Environment["XENSIM_ROOT"] = root;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return new RemoteResult(process.ExitCode, await stdout, await stderr);
        }

        private static (int ExitCode, string StandardError) Run(string program, params string[] arguments)
        {
            using var process = Process.Start(Start(program, arguments))!;
            var stderr = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stderr);
        }

        private static ProcessStartInfo Start(string program, params string[] arguments)
        {
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                UseShellExecute = false,
            };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            return start;
        }

        /// <summary>tests/XenLab/xensim in the checkout the tests were built from.</summary>
        private static string Locate()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "XenLab", "xensim");
                if (File.Exists(Path.Combine(candidate, "__main__.py"))) return candidate;
            }
            throw new DirectoryNotFoundException($"No tests/XenLab/xensim above {AppContext.BaseDirectory}.");
        }
    }
}
