using System;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Toolstacks
{
    public sealed class RemoteFileTests : IDisposable
    {
        private readonly string folder = Directory.CreateTempSubdirectory("xenps-remotefile-").FullName;
        private readonly LocalShell shell = new LocalShell();

        public void Dispose() => Directory.Delete(folder, recursive: true);

        [Fact]
        public async Task ReadsTheExactBytes()
        {
            var path = Write("config", "(a 1)\r\n# \u00e9\t\n(b '')");

            var content = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);

            Assert.Equal(File.ReadAllBytes(path), content.Bytes);
            Assert.Equal(RemoteFile.Sha256Hex(File.ReadAllBytes(path)), content.Sha256);
        }

        [Fact]
        public async Task AMissingFileIsNamedInTheError()
        {
            var path = Path.Combine(folder, "it's missing");

            var error = await Assert.ThrowsAsync<XenSessionException>(() => RemoteFile.ReadAsync(shell, path, CancellationToken.None));

            Assert.Equal(XenSessionErrorId.RemoteFileNotFound, error.ErrorId);
            Assert.Contains(path, error.Message);
        }

        [Fact]
        public async Task OnlyNothingAtThePathIsMissingAFolderIsUnreadable()
        {
            var missing = await shell.RunAsync(RemoteFile.ReadCommand(Path.Combine(folder, "none")), new RemoteRunOptions(), CancellationToken.None);
            var dangling = Path.Combine(folder, "dangling");
            File.CreateSymbolicLink(dangling, Path.Combine(folder, "gone"));
            var link = await shell.RunAsync(RemoteFile.ReadCommand(dangling), new RemoteRunOptions(), CancellationToken.None);
            var folderResult = await shell.RunAsync(RemoteFile.ReadCommand(folder), new RemoteRunOptions(), CancellationToken.None);

            Assert.True(RemoteFile.IsMissing(missing));
            Assert.True(RemoteFile.IsMissing(link));
            Assert.False(RemoteFile.IsMissing(folderResult));
            var error = Assert.Throws<XenSessionException>(() => RemoteFile.FromReadResult("h", folder, folderResult));
            Assert.Equal(XenSessionErrorId.RemoteFileUnreadable, error.ErrorId);
            Assert.Equal($"Could not read {folder} on h: {folder} is not a regular file.", error.Message);
        }

        [Fact]
        [UnsupportedOSPlatform("windows")]
        public async Task ReplacesTheFileKeepingModeAndABackupOfTheOriginal()
        {
            var path = Write("xend-config.sxp", "(xend-relocation-server no)\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);
            var suffix = RemoteFile.BackupSuffixFor(new DateTime(2026, 11, 25, 21, 15, 0, DateTimeKind.Utc));
            var backup = path + suffix;
            var updated = Encoding.UTF8.GetBytes("(xend-relocation-server yes)\n");

            var replaced = await RemoteFile.ReplaceAsync(shell, original, updated, suffix, CancellationToken.None);

            Assert.Equal(backup, replaced.BackupPath);
            Assert.Equal(path, replaced.WrittenPath);
            Assert.Equal(0, replaced.ConcurrentlyAppendedBytes);
            Assert.Equal(updated, File.ReadAllBytes(path));
            Assert.Equal(original.Bytes, File.ReadAllBytes(backup));
            Assert.EndsWith("xend-config.sxp.xenps-20261125-211500.bak", backup);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
            Assert.Equal(new[] { "xend-config.sxp", Path.GetFileName(backup) }.OrderBy(n => n), Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n));
        }

        [Fact]
        public async Task RefusesAFileChangedSinceItWasReadAndLeavesNoTrace()
        {
            var path = Write("xend-config.sxp", "(xend-relocation-port 8002)\n");
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);
            File.WriteAllText(path, "(xend-relocation-port 9000)\n");
            var error = await Assert.ThrowsAsync<XenSessionException>(
                () => RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(x)\n"), ".bak", CancellationToken.None));

            Assert.Equal(XenSessionErrorId.RemoteFileChanged, error.ErrorId);
            Assert.Contains("unchanged", error.Message);
            Assert.Equal("(xend-relocation-port 9000)\n", File.ReadAllText(path));
            Assert.Equal(new[] { "xend-config.sxp" }, Directory.GetFiles(folder).Select(Path.GetFileName));
        }

        [Fact]
        public async Task NeverOverwritesAnEarlierBackup()
        {
            var path = Write("xend-config.sxp", "(a 1)\n");
            var backup = Write("xend-config.sxp.xenps-20261125-211500.bak", "older backup\n");
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);

            var replaced = await RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(a 2)\n"), ".xenps-20261125-211500.bak", CancellationToken.None);

            Assert.Equal(Path.Combine(folder, "xend-config.sxp.xenps-20261125-211500-2.bak"), replaced.BackupPath);
            Assert.Equal("(a 1)\n", File.ReadAllText(replaced.BackupPath));
            Assert.Equal("older backup\n", File.ReadAllText(backup));
            Assert.Equal("(a 2)\n", File.ReadAllText(path));
        }

        [Fact]
        public async Task ReadsAndReplacesAFileOfSeveralHundredKilobytesInCommandsOfBoundedSize()
        {
            var path = Write("xend-config.sxp", Lines("(a {0})", 30000));
            var recording = new RecordingShell(shell);
            var updated = Encoding.UTF8.GetBytes(Lines("(b {0})", 40000));

            var original = await RemoteFile.ReadAsync(recording, path, CancellationToken.None);
            var replaced = await RemoteFile.ReplaceAsync(recording, original, updated, ".bak", CancellationToken.None);

            Assert.True(original.Bytes.Length > 200_000);
            Assert.Equal(File.ReadAllBytes(path + ".bak"), original.Bytes);
            Assert.Equal(updated, File.ReadAllBytes(path));
            Assert.Equal(path + ".bak", replaced.BackupPath);
            Assert.True(recording.Commands.Count > 10);
            Assert.All(recording.Commands, command => Assert.True(command.Length < 40_000, $"a command of {command.Length} characters"));
            Assert.All(recording.Outputs, output => Assert.True(output.Length < 100_000, $"an output of {output.Length} characters"));
            Assert.Equal(new[] { "xend-config.sxp", "xend-config.sxp.bak" }, Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n));
        }

        [Fact]
        public async Task ALargeWriteThatFailsLeavesNoTemporaryFile()
        {
            var path = Write("xend-config.sxp", "(a 1)\n");
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);
            File.WriteAllText(path, "(a 2)\n");

            var error = await Assert.ThrowsAsync<XenSessionException>(
                () => RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes(Lines("(b {0})", 20000)), ".bak", CancellationToken.None));

            Assert.Equal(XenSessionErrorId.RemoteFileChanged, error.ErrorId);
            Assert.Equal(new[] { "xend-config.sxp" }, Directory.GetFiles(folder).Select(Path.GetFileName));
        }

        [Fact]
        public async Task ReplacesTheTargetOfASymbolicLinkAndKeepsTheLink()
        {
            var target = Write("xend-config.sxp.real", "(a 1)\n");
            var link = Path.Combine(folder, "xend-config.sxp");
            File.CreateSymbolicLink(link, "xend-config.sxp.real");
            var original = await RemoteFile.ReadAsync(shell, link, CancellationToken.None);

            var replaced = await RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(a 2)\n"), ".bak", CancellationToken.None);

            Assert.Equal("xend-config.sxp.real", new FileInfo(link).LinkTarget);
            Assert.Equal("(a 2)\n", File.ReadAllText(target));
            Assert.Equal(target, replaced.WrittenPath);
            Assert.Equal(target + ".bak", replaced.BackupPath);
            Assert.Equal("(a 1)\n", File.ReadAllText(target + ".bak"));
        }

        [Fact]
        public async Task KeepsALineAppendedToTheOldFileWhileItIsReplaced()
        {
            var path = Write("xend-config.sxp", "(a 1)\n");
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);
            // Opens the file before the replace and appends once the backup exists, that is after the compare.
            using var writer = StartWriter(path, ">>", "(appended 1)");

            var replaced = await RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(a 2)\n"), ".bak", CancellationToken.None);

            await writer.WaitForExitAsync();
            Assert.Equal("(a 2)\n(appended 1)\n", File.ReadAllText(path));
            Assert.Equal("(a 1)\n(appended 1)\n", File.ReadAllText(path + ".bak"));
            Assert.Equal(13, replaced.ConcurrentlyAppendedBytes);
        }

        [Fact]
        public async Task ReportsAnOldFileRewrittenInPlaceWhileItIsReplacedAndKeepsThatVersion()
        {
            var path = Write("xend-config.sxp", "(a 1)\n");
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);
            using var writer = StartWriter(path, "<>", "(z 9)");

            var error = await Assert.ThrowsAsync<XenSessionException>(
                () => RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(a 2)\n"), ".bak", CancellationToken.None));

            await writer.WaitForExitAsync();
            Assert.Equal(XenSessionErrorId.RemoteFileConcurrentEdit, error.ErrorId);
            Assert.Contains($"compare it with the other program's version, kept in {path}.bak and merge the two by hand", error.Message);
            Assert.Equal("(a 2)\n", File.ReadAllText(path));
            Assert.Equal("(z 9)\n", File.ReadAllText(path + ".bak"));
        }

        [Fact]
        public async Task WaitsForTheLockOfAnotherEditorAndThenSeesItsChange()
        {
            var path = Write("xend-config.sxp", "(a 1)\n");
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);
            var go = Path.Combine(folder, "go");
            // Another editor that honours the lock: it locks the file, and appends through its descriptor when told to.
            using var editor = StartShell(
                "exec 9>>\"$1\"; flock 9; : > \"$1.locked\"; while [ ! -e \"$2\" ]; do sleep 0.01; done; echo '(b 2)' >&9", path, go);
            await WaitUntil(() => File.Exists(path + ".locked"));
            File.Delete(path + ".locked");

            var replace = RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(a 2)\n"), ".bak", CancellationToken.None);
            await WaitUntil(() => WaitsForLock(path));
            File.WriteAllText(go, "");
            var error = await Assert.ThrowsAsync<XenSessionException>(() => replace);

            await editor.WaitForExitAsync();
            Assert.Equal(XenSessionErrorId.RemoteFileChanged, error.ErrorId);
            Assert.Equal("(a 1)\n(b 2)\n", File.ReadAllText(path));
            Assert.False(File.Exists(path + ".bak"));
        }

        private static string Lines(string format, int count) =>
            string.Concat(Enumerable.Range(0, count).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, i) + "\n"));

        /// <summary>A shell that opens <paramref name="path"/> with <paramref name="redirection"/> and writes a line once the backup exists.</summary>
        private static System.Diagnostics.Process StartWriter(string path, string redirection, string line) =>
            StartShell($"exec 3{redirection}\"$1\"; while [ ! -e \"$1.bak\" ]; do sleep 0.01; done; printf '%s\\n' \"$2\" >&3", path, line);

        private static System.Diagnostics.Process StartShell(string script, params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            foreach (var argument in new[] { "-c", script, "sh" }.Concat(arguments)) start.ArgumentList.Add(argument);
            return System.Diagnostics.Process.Start(start)!;
        }

        /// <summary>True when a process of this user waits in <c>flock</c> with the file open as its descriptor 9.</summary>
        private static bool WaitsForLock(string path)
        {
            foreach (var process in Directory.GetDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsDigit)))
            {
                try
                {
                    var commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0');
                    if (commandLine[0] == "flock" && commandLine.Contains("-w") && new FileInfo(Path.Combine(process, "fd", "9")).ResolveLinkTarget(false)?.FullName == path) return true;
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
            return false;
        }

        private static async Task WaitUntil(Func<bool> condition)
        {
            for (var i = 0; i < 3000 && !condition(); i++) await Task.Delay(10);
            Assert.True(condition(), "the condition was not met within 30 seconds");
        }

        private string Write(string name, string text)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
            return path;
        }
    }
}
