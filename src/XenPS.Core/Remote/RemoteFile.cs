using System.Security.Cryptography;
using XenPS.Core.Scripts;

namespace XenPS.Core.Remote
{
    /// <summary>The bytes of a file on a host as they were read, with their SHA-256 for a later compare-and-replace.</summary>
    public sealed class RemoteFileContent
    {
        public RemoteFileContent(string path, byte[] bytes)
        {
            Path = path;
            Bytes = bytes;
            Sha256 = RemoteFile.Sha256Hex(bytes);
        }

        /// <summary>The path as it was given; when it is a symbolic link, the file read is the link's target.</summary>
        public string Path { get; }

        public byte[] Bytes { get; }

        public string Sha256 { get; }
    }

    /// <summary>What a replace did on the host.</summary>
    /// <param name="WrittenPath">The file that was replaced: the path itself, or the target of the symbolic link at the path.</param>
    /// <param name="BackupPath">The previous version of the file, beside <paramref name="WrittenPath"/>.</param>
    /// <param name="ConcurrentlyAppendedBytes">
    /// Bytes that another program appended to the previous version while it was replaced; they were appended to the
    /// new version as well, as if they had been written just after it.
    /// </param>
    public sealed record RemoteFileReplacement(string WrittenPath, string BackupPath, long ConcurrentlyAppendedBytes);

    /// <summary>
    /// Reads a file on a host byte for byte, in chunks, and replaces it so that no edit is lost:
    /// <list type="number">
    /// <item>the new content goes, in chunks, to a new file beside the file (beside the target of a symbolic link, which
    /// stays a link), given the owner and mode of the old one, and is checked by its SHA-256;</item>
    /// <item>an exclusive <c>flock</c> is taken on the file itself, the lock that <c>flock FILE COMMAND</c> and another
    /// XenPS take (a waiter that gets the lock of a file that was renamed away locks the new one);</item>
    /// <item>under the lock, the file must still be the one that was read (its SHA-256); the old file gets a second name,
    /// the backup, and the new file is renamed over the path, which is atomic;</item>
    /// <item>after the lock is released and no process has the old file open any more, the old file (the backup) must
    /// still hold what was read: a program that does not take the lock and appended to it meanwhile (<c>echo &gt;&gt;</c>)
    /// gets its bytes appended to the new file too; one that rewrote it in place is reported, and its version is the
    /// backup.</item>
    /// </list>
    /// On any failure before the rename the original stays as it was and nothing is left beside it.
    /// </summary>
    public static class RemoteFile
    {
        private const string ReadScript = "file-read.sh";

        private const string ReplaceScript = "file-replace.sh";

        /// <summary>The exit code of <see cref="ReadCommand(string)"/> (and of a replace) when the file does not exist; the scripts list the others.</summary>
        private const int MissingExitCode = 20;

        private const int ChangedExitCode = 21;

        private const int RewrittenExitCode = 29;

        private const int LockedExitCode = 30;

        /// <summary>What one read command prints at most, before base64: a config of any size is read in such chunks.</summary>
        internal const int ReadChunkBytes = 64 * 1024;

        /// <summary>What one write command carries at most, before base64: SSH.NET refuses a command over about 64 KB.</summary>
        internal const int WriteChunkBytes = 24 * 1024;

        /// <summary>What <see cref="ReadCommand(string)"/> reads in its one command, for a batch that has no second round trip.</summary>
        private const int WholeReadBytes = 4 * 1024 * 1024;

        private const int ReadAttempts = 3;

        private static readonly RemoteRunOptions ReadOptions = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };
        private static readonly RemoteRunOptions WriteOptions = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true };

        /// <summary>Reads <paramref name="path"/> in chunks; a missing file is an error that names it.</summary>
        public static async Task<RemoteFileContent> ReadAsync(IRemoteShell shell, string path, CancellationToken cancellationToken)
        {
            var result = await shell.RunAsync(ReadCommand(path, ReadChunkBytes), ReadOptions, cancellationToken).ConfigureAwait(false);
            return await CompleteReadAsync(shell, path, result, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The shell text that prints the size and SHA-256 of <paramref name="path"/>, then its first 4 MiB in base64, for use
        /// in a batch (see <see cref="FromReadResult"/>); it fails when the file is missing (see <see cref="IsMissing"/>) or
        /// when something else, such as a folder, is at the path.
        /// </summary>
        public static string ReadCommand(string path) => ReadCommand(path, WholeReadBytes);

        /// <summary>
        /// As <see cref="ReadCommand(string)"/>, with the first <paramref name="chunkBytes"/> bytes only (a multiple of
        /// <see cref="ReadChunkBytes"/>); <see cref="CompleteReadAsync"/> reads the rest.
        /// </summary>
        internal static string ReadCommand(string path, int chunkBytes) =>
            RemoteScripts.Call(ReadScript, "xenps_file_read", path, Number(chunkBytes));

        /// <summary>True when <see cref="ReadCommand(string)"/> found nothing at all at the path (a dangling symbolic link counts as nothing).</summary>
        public static bool IsMissing(RemoteResult result) => result.ExitCode == MissingExitCode;

        /// <summary>The file that <see cref="ReadCommand(string)"/> printed whole, or the error it reported.</summary>
        public static RemoteFileContent FromReadResult(string computerName, string path, RemoteResult result)
        {
            var (size, sha, bytes) = ParseRead(computerName, path, result);
            if (bytes.Length < size)
            {
                throw new XenSessionException(XenSessionErrorId.RemoteFileUnreadable,
                    $"{path} on {computerName} is {size} bytes, more than one read takes ({bytes.Length}); it is not a configuration file xend would use.");
            }
            return Verified(computerName, path, sha, bytes);
        }

        /// <summary>
        /// The file whose first chunk <paramref name="firstChunk"/> holds (the result of <see cref="ReadCommand(string, int)"/>),
        /// with the rest read chunk by chunk; a file that changes while it is read is read again.
        /// </summary>
        public static async Task<RemoteFileContent> CompleteReadAsync(IRemoteShell shell, string path, RemoteResult firstChunk, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                var (size, sha, first) = ParseRead(shell.ComputerName, path, firstChunk);
                var bytes = new List<byte>(first);
                while (bytes.Count < size && first.Length > 0)
                {
                    var chunk = await shell.RunAsync(ChunkCommand(path, bytes.Count / ReadChunkBytes), ReadOptions, cancellationToken).ConfigureAwait(false);
                    if (chunk.ExitCode != 0) throw Failure(shell.ComputerName, "read", path, chunk);
                    var decoded = FromBase64(chunk.Stdout, shell.ComputerName, path);
                    if (decoded.Length == 0) break;
                    bytes.AddRange(decoded);
                }
                var all = bytes.ToArray();
                if (all.Length == size && Sha256Hex(all) == sha) return new RemoteFileContent(path, all);
                if (attempt == ReadAttempts)
                {
                    throw new XenSessionException(XenSessionErrorId.RemoteFileChanged,
                        $"{path} on {shell.ComputerName} changed every time it was read ({ReadAttempts} times); run the command again once the program writing it is done.");
                }
                firstChunk = await shell.RunAsync(ReadCommand(path, ReadChunkBytes), ReadOptions, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Replaces the file read as <paramref name="original"/> with <paramref name="newBytes"/> (see the class summary), keeping
        /// the previous version beside it, named after it with <paramref name="backupSuffix"/> (or -2, -3 ... before .bak when
        /// that exists).
        /// </summary>
        public static async Task<RemoteFileReplacement> ReplaceAsync(IRemoteShell shell, RemoteFileContent original, byte[] newBytes, string backupSuffix, CancellationToken cancellationToken)
        {
            var path = original.Path;
            if (newBytes.Length <= WriteChunkBytes)
            {
                var single = await shell.RunAsync(
                    RemoteScripts.Call(ReplaceScript, "xenps_file_replace", new[] { path, Convert.ToBase64String(newBytes) }.Concat(CommitArguments(original, newBytes, backupSuffix)).ToArray()),
                    WriteOptions, cancellationToken).ConfigureAwait(false);
                return Committed(shell.ComputerName, path, single);
            }
            var first = await shell.RunAsync(RemoteScripts.Call(ReplaceScript, "xenps_file_write", path, Convert.ToBase64String(newBytes, 0, WriteChunkBytes)), WriteOptions, cancellationToken).ConfigureAwait(false);
            if (first.ExitCode != 0) throw Failure(shell.ComputerName, "write", path, first);
            var temp = first.Stdout.TrimEnd('\n');
            if (!temp.StartsWith("/", StringComparison.Ordinal) || !temp.Contains("/.xenps.") || temp.IndexOf('\n') >= 0)
            {
                throw new XenSessionException(XenSessionErrorId.RemoteFileWriteFailed, $"Could not write {path} on {shell.ComputerName}: mktemp printed '{temp}'. The file is unchanged.");
            }
            var committed = false;
            try
            {
                for (var offset = WriteChunkBytes; offset < newBytes.Length; offset += WriteChunkBytes)
                {
                    var chunk = Convert.ToBase64String(newBytes, offset, Math.Min(WriteChunkBytes, newBytes.Length - offset));
                    var append = await shell.RunAsync(RemoteScripts.Call(ReplaceScript, "xenps_file_append", path, temp, chunk), WriteOptions, cancellationToken).ConfigureAwait(false);
                    if (append.ExitCode != 0) throw Failure(shell.ComputerName, "write", path, append);
                }
                var result = await shell.RunAsync(
                    RemoteScripts.Call(ReplaceScript, "xenps_file_commit", new[] { path, temp }.Concat(CommitArguments(original, newBytes, backupSuffix)).ToArray()),
                    WriteOptions, cancellationToken).ConfigureAwait(false);
                committed = true;
                return Committed(shell.ComputerName, path, result);
            }
            finally
            {
                if (!committed) await RemoveTempAsync(shell, temp).ConfigureAwait(false);
            }
        }

        /// <summary>The backup suffix for a replace at <paramref name="utcNow"/>: <c>.xenps-YYYYMMDD-HHMMSS.bak</c>.</summary>
        public static string BackupSuffixFor(DateTime utcNow) =>
            ".xenps-" + utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".bak";

        internal static string Sha256Hex(byte[] bytes)
        {
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(bytes);
                var sb = new StringBuilder(hash.Length * 2);
                foreach (var b in hash) sb.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }

        private static string ChunkCommand(string path, int index) =>
            RemoteScripts.Call(ReadScript, "xenps_file_chunk", path, Number(ReadChunkBytes), Number(index));

        private static string Number(int number) => number.ToString(CultureInfo.InvariantCulture);

        private static (long Size, string Sha, byte[] Bytes) ParseRead(string computerName, string path, RemoteResult result)
        {
            if (result.ExitCode != 0) throw Failure(computerName, "read", path, result);
            var newline = result.Stdout.IndexOf('\n');
            var header = (newline < 0 ? result.Stdout : result.Stdout.Substring(0, newline)).Split(' ');
            if (header.Length != 2 || !long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || header[1].Length != 64)
            {
                throw new XenSessionException(XenSessionErrorId.RemoteFileUnreadable, $"{path} on {computerName} could not be read: wc and sha256sum printed something unexpected.");
            }
            return (size, header[1], FromBase64(result.Stdout.Substring(newline + 1), computerName, path));
        }

        private static RemoteFileContent Verified(string computerName, string path, string sha, byte[] bytes)
        {
            if (Sha256Hex(bytes) != sha)
            {
                throw new XenSessionException(XenSessionErrorId.RemoteFileChanged, $"{path} on {computerName} changed while it was read; run the command again.");
            }
            return new RemoteFileContent(path, bytes);
        }

        /// <summary>What the commit of a replace checks and names: the new file's SHA-256, the old file's SHA-256 and size, the backup suffix.</summary>
        private static string[] CommitArguments(RemoteFileContent original, byte[] newBytes, string backupSuffix) =>
            new[] { Sha256Hex(newBytes), original.Sha256, Number(original.Bytes.Length), backupSuffix };

        private static RemoteFileReplacement Committed(string computerName, string path, RemoteResult result)
        {
            if (result.ExitCode != 0) throw Failure(computerName, "write", path, result);
            var lines = result.Stdout.TrimEnd('\n').Split('\n');
            if (lines.Length != 3 || !long.TryParse(lines[2], NumberStyles.None, CultureInfo.InvariantCulture, out var appended))
            {
                throw new XenSessionException(XenSessionErrorId.RemoteFileWriteFailed, $"{path} on {computerName} was replaced, but the host's report of it is unreadable: '{result.Stdout.Trim()}'.");
            }
            return new RemoteFileReplacement(lines[0], lines[1], appended);
        }

        private static async Task RemoveTempAsync(IRemoteShell shell, string temp)
        {
            try
            {
                await shell.RunAsync(RemoteScripts.Call(ReplaceScript, "xenps_file_discard", temp), WriteOptions, CancellationToken.None).ConfigureAwait(false);
            }
            catch (XenSessionException)
            {
                // The write failed already and that error is reported; a temporary file left behind is hidden and named .xenps.*.
            }
        }

        private static byte[] FromBase64(string text, string computerName, string path)
        {
            try
            {
                return Convert.FromBase64String(text.Replace("\n", "").Replace("\r", ""));
            }
            catch (FormatException e)
            {
                throw new XenSessionException(XenSessionErrorId.RemoteFileUnreadable, $"{path} on {computerName} could not be read: base64 printed something unexpected.", e);
            }
        }

        private static XenSessionException Failure(string computerName, string verb, string path, RemoteResult result)
        {
            var reason = result.Stderr.Trim();
            if (reason.Length == 0) reason = $"exit code {result.ExitCode}";
            var errorId = result.ExitCode switch
            {
                MissingExitCode => XenSessionErrorId.RemoteFileNotFound,
                ChangedExitCode => XenSessionErrorId.RemoteFileChanged,
                RewrittenExitCode => XenSessionErrorId.RemoteFileConcurrentEdit,
                LockedExitCode => XenSessionErrorId.RemoteFileLocked,
                _ => verb == "read" ? XenSessionErrorId.RemoteFileUnreadable : XenSessionErrorId.RemoteFileWriteFailed,
            };
            if (result.ExitCode == RewrittenExitCode) return new XenSessionException(errorId, $"{path} on {computerName}: {reason}.");
            var unchanged = verb == "write" ? " The file is unchanged." : "";
            return new XenSessionException(errorId, $"Could not {verb} {path} on {computerName}: {reason}.{unchanged}");
        }
    }
}
