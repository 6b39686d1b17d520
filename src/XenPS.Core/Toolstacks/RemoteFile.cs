using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Sessions;

namespace XenPS.Core.Toolstacks
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
    public sealed class RemoteFileReplacement
    {
        public RemoteFileReplacement(string writtenPath, string backupPath, long concurrentlyAppendedBytes)
        {
            WrittenPath = writtenPath;
            BackupPath = backupPath;
            ConcurrentlyAppendedBytes = concurrentlyAppendedBytes;
        }

        /// <summary>The file that was replaced: the path itself, or the target of the symbolic link at the path.</summary>
        public string WrittenPath { get; }

        /// <summary>The previous version of the file, beside <see cref="WrittenPath"/>.</summary>
        public string BackupPath { get; }

        /// <summary>
        /// Bytes that another program appended to the previous version while it was replaced; they were appended to the
        /// new version as well, as if they had been written just after it.
        /// </summary>
        public long ConcurrentlyAppendedBytes { get; }
    }

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
        /// <summary>The exit code of <see cref="ReadCommand(string)"/> (and of a replace) when the file does not exist.</summary>
        private const int MissingExitCode = 20;

        private const int ChangedExitCode = 21;

        /// <summary>The exit code of <see cref="ReadCommand(string)"/> when something that is not a regular file is at the path.</summary>
        private const int NotAFileExitCode = 28;

        private const int RewrittenExitCode = 29;

        private const int LockedExitCode = 30;

        /// <summary>What one read command prints at most, before base64: a config of any size is read in such chunks.</summary>
        internal const int ReadChunkBytes = 64 * 1024;

        /// <summary>What one write command carries at most, before base64: SSH.NET refuses a command over about 64 KB.</summary>
        internal const int WriteChunkBytes = 24 * 1024;

        /// <summary>How long a replace waits for another holder of the file's lock.</summary>
        private const int LockWaitSeconds = 30;

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
        internal static string ReadCommand(string path, int chunkBytes)
        {
            var quoted = ShellQuote.Quote(path);
            return $"if [ -f {quoted} ]; then printf '%s %s\\n' \"$(wc -c < {quoted} | tr -d ' ')\" \"$(sha256sum < {quoted} | cut -d ' ' -f 1)\"; " +
                $"dd if={quoted} bs={chunkBytes} count=1 2>/dev/null | base64; " +
                $"elif [ -e {quoted} ]; then printf '%s\\n' {ShellQuote.Quote($"{path} is not a regular file")} >&2; (exit {NotAFileExitCode}); " +
                $"else printf '%s\\n' {ShellQuote.Quote($"{path} does not exist")} >&2; (exit {MissingExitCode}); fi";
        }

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
                var single = await shell.RunAsync(PrepareScript(path, newBytes, 0, newBytes.Length) + CommitScript(original, newBytes, backupSuffix), WriteOptions, cancellationToken).ConfigureAwait(false);
                return Committed(shell.ComputerName, path, single);
            }
            var first = await shell.RunAsync(PrepareScript(path, newBytes, 0, WriteChunkBytes) + "printf '%s\\n' \"$t\"\n", WriteOptions, cancellationToken).ConfigureAwait(false);
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
                    var append = await shell.RunAsync(AppendScript(path, temp, newBytes, offset, Math.Min(WriteChunkBytes, newBytes.Length - offset)), WriteOptions, cancellationToken).ConfigureAwait(false);
                    if (append.ExitCode != 0) throw Failure(shell.ComputerName, "write", path, append);
                }
                var result = await shell.RunAsync("t=" + ShellQuote.Quote(temp) + "\n" + ResolveScript(path) + CommitScript(original, newBytes, backupSuffix), WriteOptions, cancellationToken).ConfigureAwait(false);
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

        private static string ChunkCommand(string path, int index)
        {
            var quoted = ShellQuote.Quote(path);
            return $"[ -f {quoted} ] || {{ printf '%s\\n' {ShellQuote.Quote($"{path} is gone")} >&2; exit {MissingExitCode}; }}; " +
                $"dd if={quoted} bs={ReadChunkBytes} skip={index} count=1 2>/dev/null | base64";
        }

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

        /// <summary>Sets <c>p</c> (the path), <c>f</c> (the file it names, a link followed) and <c>say</c>.</summary>
        private static string ResolveScript(string path) =>
            "say() { printf '%s\\n' \"$*\" >&2; }\n" +
            "p=" + ShellQuote.Quote(path) + "\n" +
            "f=$(readlink -f -- \"$p\" 2>/dev/null) && [ -f \"$f\" ] || { say " + ShellQuote.Quote($"{path} does not exist") + "; exit " + MissingExitCode + "; }\n";

        /// <summary>Creates the new file <c>t</c> beside <c>f</c> with the first chunk of <paramref name="bytes"/>.</summary>
        private static string PrepareScript(string path, byte[] bytes, int offset, int count) =>
            ResolveScript(path) +
            "t=$(mktemp \"$(dirname -- \"$f\")/.xenps.XXXXXX\" 2>/dev/null) || { say " + ShellQuote.Quote($"cannot create a file beside {path} (read-only file system or no space?)") + "; exit 23; }\n" +
            "printf '%s' " + ShellQuote.Quote(Convert.ToBase64String(bytes, offset, count)) + " | base64 -d > \"$t\" 2>/dev/null || " +
            "{ rm -f -- \"$t\"; say " + ShellQuote.Quote($"the new {path} could not be written completely (no space?)") + "; exit 25; }\n";

        private static string AppendScript(string path, string temp, byte[] bytes, int offset, int count) =>
            "t=" + ShellQuote.Quote(temp) + "\n" +
            "[ -f \"$t\" ] && [ ! -L \"$t\" ] || { printf '%s\\n' " + ShellQuote.Quote($"the new {path}, {temp}, is gone") + " >&2; exit 25; }\n" +
            "printf '%s' " + ShellQuote.Quote(Convert.ToBase64String(bytes, offset, count)) + " | base64 -d >> \"$t\" 2>/dev/null || " +
            "{ rm -f -- \"$t\"; printf '%s\\n' " + ShellQuote.Quote($"the new {path} could not be written completely (no space?)") + " >&2; exit 25; }\n";

        /// <summary>
        /// With <c>p</c>, <c>f</c> and the complete new file <c>t</c> set: the lock, the compare, the backup, the rename and the
        /// check of the old file afterwards. Prints the backup's path, then the number of bytes appended concurrently.
        /// </summary>
        private static string CommitScript(RemoteFileContent original, byte[] newBytes, string backupSuffix)
        {
            string Say(string text) => "say " + ShellQuote.Quote(text);
            var path = original.Path;
            var size = original.Bytes.Length.ToString(CultureInfo.InvariantCulture);
            var stem = backupSuffix.EndsWith(".bak", StringComparison.Ordinal) ? backupSuffix.Substring(0, backupSuffix.Length - 4) : backupSuffix;
            var sb = new StringBuilder();
            sb.Append("done=0; mine=\n")
              .Append("trap 'rm -f -- \"$t\"; [ -z \"$mine\" ] || [ $done = 1 ] || rm -f -- \"$mine\"' EXIT\n")
              .Append("[ \"$(dirname -- \"$t\")\" = \"$(dirname -- \"$f\")\" ] || { ").Append(Say($"{path} now names another file than when it was read; read it again and repeat the change")).Append("; exit ").Append(ChangedExitCode).Append("; }\n")
              .Append("[ \"$(sha256sum < \"$t\" | cut -d ' ' -f 1)\" = ").Append(Sha256Hex(newBytes))
              .Append(" ] || { ").Append(Say($"the new {path} could not be written completely (no space?)")).Append("; exit 25; }\n")
              .Append("chown --reference=\"$f\" \"$t\" && chmod --reference=\"$f\" \"$t\" || { ").Append(Say($"cannot give the new file the owner and mode of {path}")).Append("; exit 26; }\n")
              // The lock of the file that is at the path now: a lock taken on a file that was renamed away is let go and taken again.
              .Append("lock() { command -v flock >/dev/null 2>&1 || return 0; n=0\n")
              .Append("  while exec 9< \"$f\" && flock -w ").Append(LockWaitSeconds).Append(" 9; do [ /proc/$$/fd/9 -ef \"$f\" ] && return 0; exec 9<&-; n=$((n+1)); [ $n -lt 20 ] || break; done\n")
              .Append("  ").Append(Say($"another program holds the lock of {path} (flock) for more than {LockWaitSeconds} seconds; run the command again when it is done")).Append("; exit ").Append(LockedExitCode).Append("; }\n")
              .Append("lock\n")
              .Append("[ \"$(sha256sum < \"$f\" | cut -d ' ' -f 1)\" = ").Append(original.Sha256)
              .Append(" ] || { ").Append(Say($"{path} changed since it was read; read it again and repeat the change")).Append("; exit ").Append(ChangedExitCode).Append("; }\n")
              .Append("b=\"$f\"").Append(ShellQuote.Quote(backupSuffix)).Append("; n=2\n")
              .Append("while [ -e \"$b\" ] && [ $n -lt 100 ]; do b=\"$f\"").Append(ShellQuote.Quote(stem)).Append("-$n.bak; n=$((n+1)); done\n")
              .Append("[ ! -e \"$b\" ] || { ").Append(Say($"no free backup name beside {path}; remove old {stem}-*.bak files")).Append("; exit 22; }\n")
              .Append("ln -- \"$f\" \"$b\" 2>/dev/null && mine=$b || { ").Append(Say($"cannot create the backup beside {path}")).Append("; exit 24; }\n")
              .Append("mv -f -- \"$t\" \"$f\" || { ").Append(Say($"cannot rename the new file over {path}")).Append("; exit 27; }\n")
              .Append("done=1; exec 9<&-\n")
              // The old file is now the backup only; wait until nobody who opened it before the rename holds it.
              .Append("held() { for q in /proc/[0-9]*/fd/*; do [ \"$q\" -ef \"$b\" ] && return 0; done 2>/dev/null; return 1; }\n")
              .Append("i=0; while [ $i -lt 100 ] && held; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done\n")
              .Append("a=0\n")
              .Append("if [ \"$(sha256sum < \"$b\" | cut -d ' ' -f 1)\" != ").Append(original.Sha256).Append(" ]; then\n")
              .Append("  if [ \"$(head -c ").Append(size).Append(" < \"$b\" | sha256sum | cut -d ' ' -f 1)\" = ").Append(original.Sha256).Append(" ]; then\n")
              .Append("    lock; tail -c +").Append(original.Bytes.Length + 1).Append(" < \"$b\" >> \"$f\" || { ").Append(Say($"another program appended to {path} while XenPS replaced it, and its lines could not be added to the new file; append them by hand from the end of")).Append(" \"$b\"; exit ").Append(RewrittenExitCode).Append("; }\n")
              .Append("    a=$(($(wc -c < \"$b\") - ").Append(size).Append("))\n")
              .Append("  else\n")
              .Append("    ").Append(Say($"another program rewrote {path} while XenPS replaced it. XenPS's change is in the file; compare it with the other program's version, kept in"))
              .Append(" \"$b\" ").Append(ShellQuote.Quote("and merge the two by hand")).Append("; exit ").Append(RewrittenExitCode).Append("\n")
              .Append("  fi\n")
              .Append("fi\n")
              .Append("printf '%s\\n%s\\n%s\\n' \"$f\" \"$b\" \"$a\"\n");
            return sb.ToString();
        }

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
                await shell.RunAsync("rm -f -- " + ShellQuote.Quote(temp), WriteOptions, CancellationToken.None).ConfigureAwait(false);
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
