using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.Versioning;
using System.Text;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    [UnsupportedOSPlatform("windows")]
    public sealed class RemoteCommandLineTests : IDisposable
    {
        private const string HostileName = "a'; rm -rf / #";
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void CommandsRunThroughShOrSudoWithoutAPrompt()
        {
            Assert.Equal("sh -c 'xm list'", SshRemoteShell.BuildCommandLine("xm list", sudo: false));
            Assert.Equal("sudo -n -- sh -c 'xm list'", SshRemoteShell.BuildCommandLine("xm list", sudo: true));
            Assert.Equal("sh -c 'printf '\\''%s'\\'' x'", SshRemoteShell.BuildCommandLine("printf '%s' x", sudo: false));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AHostileDomainNameStaysOneArgumentThroughTheLoginShellAndSudo(bool sudo)
        {
            // A fake sudo that checks its options and runs the rest, so the real argument structure is exercised without root.
            var bin = Path.Combine(_temp.Path, "bin");
            Directory.CreateDirectory(bin);
            var fakeSudo = _temp.Write("bin/sudo", "#!/bin/sh\n[ \"$1\" = -n ] && [ \"$2\" = -- ] || exit 99\nshift 2\nexec \"$@\"\n");
            File.SetUnixFileMode(fakeSudo, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var command = ShellQuote.Join("printf", "[%s]\\n", HostileName) + "; " + ShellQuote.Join("printf", "%s\\n", "$#", "$HOME");

            var output = RunAsLoginShell(SshRemoteShell.BuildCommandLine(command, sudo), bin);

            Assert.Equal($"[{HostileName}]\n$#\n$HOME\n", output);
        }

        [Theory]
        [InlineData(1, "sudo: a password is required\n", true)]
        [InlineData(1, "sudo: a terminal is required to read the password; either use the -S option to read from standard input\n", true)]
        [InlineData(0, "sudo: a password is required\n", false)]
        [InlineData(1, "xl: permission denied\n", false)]
        public void SudoAskingForAPasswordIsRecognised(int exitCode, string stderr, bool expected)
        {
            Assert.Equal(expected, SshRemoteShell.AsksForSudoPassword(new RemoteResult(exitCode, "", stderr)));
        }

        /// <summary>Runs the text as sshd does: <c>$SHELL -c TEXT</c>, here with a login shell of /bin/sh.</summary>
        private static string RunAsLoginShell(string text, string extraPath)
        {
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(text);
            start.Environment["PATH"] = extraPath + ":/usr/bin:/bin";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            return output;
        }
    }
}
