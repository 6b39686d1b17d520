using System;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;
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

            Assert.Equal("RemoteFileNotFound", error.ErrorId);
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
            Assert.Equal("RemoteFileUnreadable", error.ErrorId);
            Assert.Equal($"Could not read {folder} on h: {folder} is not a regular file.", error.Message);
        }

        [Fact]
        [UnsupportedOSPlatform("windows")]
        public async Task ReplacesTheFileKeepingModeAndABackupOfTheOriginal()
        {
            var path = Write("xend-config.sxp", "(xend-relocation-server no)\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var original = await RemoteFile.ReadAsync(shell, path, CancellationToken.None);
            var backup = RemoteFile.BackupPathFor(path, new DateTime(2026, 11, 25, 21, 15, 0, DateTimeKind.Utc));
            var updated = Encoding.UTF8.GetBytes("(xend-relocation-server yes)\n");

            var replaced = await RemoteFile.ReplaceAsync(shell, original, updated, backup, CancellationToken.None);

            Assert.Equal(backup, replaced.BackupPath);
            Assert.Equal(updated, replaced.Written.Bytes);
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
            var backup = path + ".bak";

            var error = await Assert.ThrowsAsync<XenSessionException>(
                () => RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(x)\n"), backup, CancellationToken.None));

            Assert.Equal("RemoteFileChanged", error.ErrorId);
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

            var replaced = await RemoteFile.ReplaceAsync(shell, original, Encoding.UTF8.GetBytes("(a 2)\n"), backup, CancellationToken.None);

            Assert.Equal(Path.Combine(folder, "xend-config.sxp.xenps-20261125-211500-2.bak"), replaced.BackupPath);
            Assert.Equal("(a 1)\n", File.ReadAllText(replaced.BackupPath));
            Assert.Equal("older backup\n", File.ReadAllText(backup));
            Assert.Equal("(a 2)\n", File.ReadAllText(path));
        }

        private string Write(string name, string text)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
            return path;
        }
    }
}
