using System;
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

        public string Path { get; }

        public byte[] Bytes { get; }

        public string Sha256 { get; }
    }

    /// <summary>A file as it reads after a replace, and where the previous version was kept.</summary>
    public sealed class RemoteFileReplacement
    {
        public RemoteFileReplacement(RemoteFileContent written, string backupPath)
        {
            Written = written;
            BackupPath = backupPath;
        }

        public RemoteFileContent Written { get; }

        public string BackupPath { get; }
    }

    /// <summary>
    /// Reads a file on a host byte for byte, and replaces it safely: only if it is still the file that was read,
    /// after a backup next to it, through a new file in the same folder (same owner and mode) renamed over the old
    /// one, which is atomic on the host. On any failure the original stays as it was and no backup is left.
    /// </summary>
    public static class RemoteFile
    {
        /// <summary>The exit code of <see cref="ReadCommand"/> (and of a replace) when the file does not exist.</summary>
        private const int MissingExitCode = 20;

        /// <summary>The exit code of <see cref="ReadCommand"/> when something that is not a regular file is at the path.</summary>
        private const int NotAFileExitCode = 28;

        private static readonly RemoteRunOptions ReadOptions = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };
        private static readonly RemoteRunOptions WriteOptions = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true };

        /// <summary>Reads <paramref name="path"/>; a missing file is an error that names it.</summary>
        public static async Task<RemoteFileContent> ReadAsync(IRemoteShell shell, string path, CancellationToken cancellationToken)
        {
            var result = await shell.RunAsync(ReadCommand(path), ReadOptions, cancellationToken).ConfigureAwait(false);
            return FromReadResult(shell.ComputerName, path, result);
        }

        /// <summary>
        /// The shell text that prints <paramref name="path"/> in base64, for use in a batch; it fails when the file is
        /// missing (see <see cref="IsMissing"/>) or when something else, such as a folder, is at the path.
        /// </summary>
        public static string ReadCommand(string path)
        {
            var quoted = ShellQuote.Quote(path);
            return $"if [ -f {quoted} ]; then base64 < {quoted}; " +
                $"elif [ -e {quoted} ]; then printf '%s\\n' {ShellQuote.Quote($"{path} is not a regular file")} >&2; (exit {NotAFileExitCode}); " +
                $"else printf '%s\\n' {ShellQuote.Quote($"{path} does not exist")} >&2; (exit {MissingExitCode}); fi";
        }

        /// <summary>True when <see cref="ReadCommand"/> found nothing at all at the path (a dangling symbolic link counts as nothing).</summary>
        public static bool IsMissing(RemoteResult result) => result.ExitCode == MissingExitCode;

        /// <summary>The file that <see cref="ReadCommand"/> printed, or the error it reported.</summary>
        public static RemoteFileContent FromReadResult(string computerName, string path, RemoteResult result)
        {
            if (result.ExitCode != 0) throw Failure(computerName, "read", path, result);
            return new RemoteFileContent(path, FromBase64(result.Stdout, computerName, path));
        }

        /// <summary>
        /// Replaces the file read as <paramref name="original"/> with <paramref name="newBytes"/>, keeping a backup at
        /// <paramref name="backupPath"/> (or, when that exists, at the same name with -2, -3 ... before .bak); returns
        /// the file as read back after the rename and the backup's path.
        /// </summary>
        public static async Task<RemoteFileReplacement> ReplaceAsync(IRemoteShell shell, RemoteFileContent original, byte[] newBytes, string backupPath, CancellationToken cancellationToken)
        {
            var script = ReplaceScript(original, newBytes, backupPath);
            var result = await shell.RunAsync(script, WriteOptions, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0) throw Failure(shell.ComputerName, "write", original.Path, result);
            var newline = result.Stdout.IndexOf('\n');
            var backup = newline < 0 ? "" : result.Stdout.Substring(0, newline);
            var written = new RemoteFileContent(original.Path, FromBase64(result.Stdout.Substring(newline + 1), shell.ComputerName, original.Path));
            if (written.Sha256 != Sha256Hex(newBytes))
            {
                throw new XenSessionException("RemoteFileMismatch",
                    $"{original.Path} on {shell.ComputerName} does not read back as written; the previous file is kept at {backup}.");
            }
            return new RemoteFileReplacement(written, backup);
        }

        /// <summary>A backup name next to <paramref name="path"/> carrying the UTC time.</summary>
        public static string BackupPathFor(string path, DateTime utcNow) =>
            path + ".xenps-" + utcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".bak";

        internal static string ReplaceScript(RemoteFileContent original, byte[] newBytes, string backupPath)
        {
            string Say(string text) => ShellQuote.Quote(text);
            var path = original.Path;
            var sb = new StringBuilder();
            sb.Append("f=").Append(ShellQuote.Quote(path)).Append('\n')
              .Append("b=").Append(ShellQuote.Quote(backupPath)).Append('\n')
              .Append("[ -f \"$f\" ] || { printf '%s\\n' ").Append(Say($"{path} does not exist")).Append(" >&2; exit ").Append(MissingExitCode).Append("; }\n")
              .Append("[ \"$(sha256sum < \"$f\" | cut -d ' ' -f 1)\" = ").Append(original.Sha256)
              .Append(" ] || { printf '%s\\n' ").Append(Say($"{path} changed since it was read; read it again and repeat the change")).Append(" >&2; exit 21; }\n")
              .Append("n=2; while [ -e \"$b\" ] && [ $n -lt 100 ]; do b=").Append(ShellQuote.Quote(WithoutBak(backupPath))).Append("-$n.bak; n=$((n+1)); done\n")
              .Append("[ ! -e \"$b\" ] || { printf '%s\\n' ").Append(Say($"no free backup name beside {path}; remove old {WithoutBak(backupPath)}-*.bak files")).Append(" >&2; exit 22; }\n")
              .Append("d=$(dirname -- \"$f\")\n")
              .Append("t=$(mktemp \"$d/.xenps.XXXXXX\" 2>/dev/null) || { printf '%s\\n' ").Append(Say($"cannot create a file beside {path} (read-only file system or no space?)")).Append(" >&2; exit 23; }\n")
              .Append("done=0\n")
              .Append("trap 'rm -f \"$t\"; [ $done = 1 ] || rm -f \"$b\"' EXIT\n")
              .Append("cp -p -- \"$f\" \"$b\" 2>/dev/null && cmp -s -- \"$f\" \"$b\" || { printf '%s\\n' ").Append(Say($"cannot write the backup {backupPath} (no space?)")).Append(" >&2; exit 24; }\n")
              .Append("printf '%s' ").Append(ShellQuote.Quote(Convert.ToBase64String(newBytes))).Append(" | base64 -d > \"$t\" 2>/dev/null\n")
              .Append("[ \"$(sha256sum < \"$t\" | cut -d ' ' -f 1)\" = ").Append(Sha256Hex(newBytes))
              .Append(" ] || { printf '%s\\n' ").Append(Say($"the new {path} could not be written completely (no space?)")).Append(" >&2; exit 25; }\n")
              .Append("chown --reference=\"$f\" \"$t\" && chmod --reference=\"$f\" \"$t\" || { printf '%s\\n' ").Append(Say($"cannot give the new file the owner and mode of {path}")).Append(" >&2; exit 26; }\n")
              .Append("mv -f -- \"$t\" \"$f\" || { printf '%s\\n' ").Append(Say($"cannot rename the new file over {path}")).Append(" >&2; exit 27; }\n")
              .Append("done=1\n")
              .Append("printf '%s\\n' \"$b\"\n")
              .Append("base64 < \"$f\"\n");
            return sb.ToString();
        }

        private static string WithoutBak(string path) =>
            path.EndsWith(".bak", StringComparison.Ordinal) ? path.Substring(0, path.Length - 4) : path;

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

        private static byte[] FromBase64(string text, string computerName, string path)
        {
            try
            {
                return Convert.FromBase64String(text.Replace("\n", "").Replace("\r", ""));
            }
            catch (FormatException e)
            {
                throw new XenSessionException("RemoteFileUnreadable", $"{path} on {computerName} could not be read: base64 printed something unexpected.", e);
            }
        }

        private static XenSessionException Failure(string computerName, string verb, string path, RemoteResult result)
        {
            var reason = result.Stderr.Trim();
            if (reason.Length == 0) reason = $"exit code {result.ExitCode}";
            var errorId = result.ExitCode == MissingExitCode ? "RemoteFileNotFound" : result.ExitCode == 21 ? "RemoteFileChanged" : "RemoteFile" + (verb == "read" ? "Unreadable" : "WriteFailed");
            var unchanged = verb == "write" ? " The file is unchanged." : "";
            return new XenSessionException(errorId, $"Could not {verb} {path} on {computerName}: {reason}.{unchanged}");
        }
    }
}
