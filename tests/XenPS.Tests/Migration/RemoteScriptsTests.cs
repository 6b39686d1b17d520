using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using XenPS.Core.Scripts;
using Xunit;
using Xunit.Abstractions;

namespace XenPS.Tests.Migration
{
    /// <summary>The embedded dom0 scripts are there, are POSIX sh that shellcheck accepts, and run on their own.</summary>
    public class RemoteScriptsTests
    {
        private readonly ITestOutputHelper output;

        public RemoteScriptsTests(ITestOutputHelper output) => this.output = output;

        public static IEnumerable<object[]> Scripts => RemoteScripts.Names.OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n });

        [Fact]
        public void EveryRemoteScriptIsEmbedded()
        {
            Assert.Equal(
                new[] { "config-move.sh", "file-read.sh", "file-replace.sh", "guest-probe.sh", "incoming-receivers.sh", "migration-job.sh", "migration-target.sh", "save-restore.sh", "storage-probe.sh" },
                RemoteScripts.Names.OrderBy(n => n, StringComparer.Ordinal));
        }

        /// <summary>
        /// <c>sh -n</c> always (dash on Debian, so bash-only syntax fails), and <c>shellcheck -s sh</c> when it is installed; the
        /// output names the checks that ran, so that a machine without shellcheck is seen as such.
        /// </summary>
        [Theory]
        [MemberData(nameof(Scripts))]
        public void ParsesUnderShAndPassesShellcheckWhenInstalled(string name)
        {
            var text = RemoteScripts.Text(name);
            var (code, errors) = Run("/bin/sh", text, "-n");
            Assert.True(code == 0, $"sh -n {name}: {errors}");
            var checks = "sh -n";
            var shellcheck = FindOnPath("shellcheck");
            if (shellcheck != null)
            {
                var (checkCode, report) = Run(shellcheck, text, "-s", "sh", "-");
                Assert.True(checkCode == 0, $"shellcheck -s sh {name}:\n{report}");
                checks += ", shellcheck -s sh";
            }
            else
            {
                checks += "; shellcheck is not installed, not run";
            }
            output.WriteLine($"{name}: {checks}");
        }

        [Fact]
        public void AScriptRunsOnItsOwnWithAFunctionAndItsArguments()
        {
            var folder = Directory.CreateTempSubdirectory("xenps-scripts-").FullName;
            try
            {
                var file = Path.Combine(folder, "storage-probe.sh");
                File.WriteAllText(file, RemoteScripts.Text("storage-probe.sh"));
                var image = Path.Combine(folder, "disk 1.img");
                File.WriteAllText(image, "");
                var marker = Path.Combine(folder, ".xenps-marker-test");

                var (code, stdout) = Run("/bin/sh", "", file, "xenps_storage_source", "1", "3", image, "0", marker);

                Assert.Equal(0, code);
                Assert.Equal("disk.3=file\nmarker.0=created\n", stdout);
                Assert.True(File.Exists(marker));
                Assert.Equal((0, ""), Run("/bin/sh", "", file));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        /// <summary>Runs <paramref name="program"/> with <paramref name="input"/> on its standard input; returns its exit code and what it printed (both streams).</summary>
        private static (int Code, string Output) Run(string program, string input, params string[] arguments)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            process.StandardInput.Write(input);
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }

        private static string? FindOnPath(string program) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Select(folder => Path.Combine(folder, program))
                .FirstOrDefault(File.Exists);
    }
}
