using System.Diagnostics;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// The journal of the migrations XenPS starts on this computer: a JSON lines file in the user's data folder
    /// (<see cref="DefaultPath"/>), one line when a migration starts and one when it ends (see <see cref="MigrationJournalLine"/>).
    /// Writers of any process take the file exclusively for the time of one append (a FileShare.None open, which is an flock lock
    /// on Unix), so that two PowerShells migrating at once never interleave their lines. Get-XenMigrationHistory reads it back.
    /// </summary>
    public sealed class MigrationJournal
    {
        /// <summary>The journal's name in the user's data folder.</summary>
        public const string FileName = "migrations.jsonl";

        /// <summary>How long an append or a read waits for another process that holds the file.</summary>
        private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);

        /// <summary>The threads of this process append one at a time; other processes are kept out by the file lock.</summary>
        private static readonly object AppendGate = new object();

        private static readonly Encoding Utf8 = new UTF8Encoding(false);

        /// <summary>A journal at <paramref name="path"/>, created with its folder at the first append.</summary>
        public MigrationJournal(string path)
        {
            Path = path ?? throw new ArgumentNullException(nameof(path));
        }

        /// <summary>The journal file.</summary>
        public string Path { get; }

        /// <summary>
        /// <c>XenPS/migrations.jsonl</c> in the user's local data folder: <c>%LOCALAPPDATA%</c> on Windows, <c>$XDG_DATA_HOME</c> or else
        /// <c>~/.local/share</c> on Linux, read anew on every call; empty when the system gives no such folder.
        /// </summary>
        public static string DefaultPath
        {
            get
            {
                var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
                return string.IsNullOrEmpty(data) ? "" : System.IO.Path.Combine(data, "XenPS", FileName);
            }
        }

        /// <summary>The journal of the current user, at <see cref="DefaultPath"/> as it is now.</summary>
        public static MigrationJournal ForCurrentUser() => new MigrationJournal(DefaultPath);

        /// <summary>
        /// Appends <paramref name="line"/> (one JSON object, no line break) as one whole line; never throws. Returns null once the line
        /// is written and flushed to disk, else why it could not be written.
        /// </summary>
        public string? TryAppend(string line)
        {
            try
            {
                if (!System.IO.Path.IsPathRooted(Path))
                {
                    return "the system gives this user no local data folder (on Linux, set HOME or XDG_DATA_HOME to an absolute path)";
                }
                if (line.IndexOf('\n') >= 0 || line.IndexOf('\r') >= 0) throw new ArgumentException("A journal line holds no line break.", nameof(line));
                lock (AppendGate)
                {
                    var folder = System.IO.Path.GetDirectoryName(Path);
                    if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
                    using var stream = OpenLocked(() => new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
                    var text = line + "\n";
                    // A last line cut short (a writer killed mid-write) gets its end first: it stays one bad line, and this one stays whole.
                    if (stream.Length > 0)
                    {
                        stream.Seek(-1, SeekOrigin.End);
                        if (stream.ReadByte() != '\n') text = "\n" + text;
                    }
                    stream.Seek(0, SeekOrigin.End);
                    var bytes = Utf8.GetBytes(text);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
            {
                return e.Message.TrimEnd('.');
            }
        }

        /// <summary>
        /// Every line of the journal, in order (without line ends); an empty list when the file does not exist. Waits for a writer
        /// that holds the file. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be read.
        /// </summary>
        public IReadOnlyList<string> ReadLines()
        {
            if (!File.Exists(Path)) return Array.Empty<string>();
            using var stream = OpenLocked(() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan));
            using var reader = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: true);
            var lines = new List<string>();
            while (reader.ReadLine() is string line) lines.Add(line);
            return lines;
        }

        /// <summary>The journal read back: one entry per migration, newest first, and the lines that could not be read. See <see cref="MigrationHistory"/>.</summary>
        public MigrationHistory Read() => MigrationHistory.Join(Path, ReadLines(), MigrationHistory.ProcessStillRuns);

        /// <summary>Opens the file, waiting up to <see cref="LockWait"/> while another writer holds it.</summary>
        private static FileStream OpenLocked(Func<FileStream> open)
        {
            var clock = Stopwatch.StartNew();
            var random = new Random();
            while (true)
            {
                try
                {
                    return open();
                }
                catch (IOException e) when (IsHeldByAnother(e) && clock.Elapsed < LockWait)
                {
                    Thread.Sleep(random.Next(5, 25));
                }
            }
        }

        /// <summary>
        /// The file is open or locked elsewhere: EWOULDBLOCK of flock on Linux (11) and macOS (35), ERROR_SHARING_VIOLATION (32) or
        /// ERROR_LOCK_VIOLATION (33) on Windows.
        /// </summary>
        private static bool IsHeldByAnother(IOException e) =>
            e.GetType() == typeof(IOException) && (e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021));
    }
}
