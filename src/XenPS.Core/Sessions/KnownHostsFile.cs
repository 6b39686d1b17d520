using System.Security.Cryptography;

namespace XenPS.Core.Sessions
{
    /// <summary>What known_hosts says about the key a host offered.</summary>
    public enum HostKeyStatus
    {
        /// <summary>No key of this type is recorded for the host (it may have keys of other types).</summary>
        Unknown,

        /// <summary>The key is recorded for the host.</summary>
        Match,

        /// <summary>The host has a different key of this type on record.</summary>
        Changed,

        /// <summary>The key is marked <c>@revoked</c>: never to be trusted.</summary>
        Revoked,
    }

    /// <summary>One key line of a known_hosts file that applies to a host.</summary>
    /// <param name="LineNumber">1-based line number in the file.</param>
    /// <param name="MatchedName">The name that matched the line: <c>host</c>, or <c>[host]:port</c> for a port other than 22.</param>
    /// <param name="KeyType">The key type written on the line, e.g. <c>ssh-ed25519</c>.</param>
    /// <param name="Fingerprint"><c>SHA256:...</c> of the recorded key.</param>
    public sealed record KnownHostsKey(int LineNumber, string MatchedName, string KeyType, string Fingerprint);

    /// <summary>The verdict on a host key, with the lines behind it.</summary>
    public sealed class HostKeyCheckResult
    {
        internal HostKeyCheckResult(HostKeyStatus status, IReadOnlyList<KnownHostsKey> recordedKeys)
        {
            Status = status;
            RecordedKeys = recordedKeys;
        }

        public HostKeyStatus Status { get; }

        /// <summary>
        /// For <see cref="HostKeyStatus.Changed"/>: the keys of the same type recorded for the host; for
        /// <see cref="HostKeyStatus.Match"/> and <see cref="HostKeyStatus.Revoked"/>: the lines that decided; otherwise empty.
        /// </summary>
        public IReadOnlyList<KnownHostsKey> RecordedKeys { get; }
    }

    /// <summary>
    /// An OpenSSH known_hosts file: plain lines with comma-separated names and patterns (<c>*</c>, <c>?</c>, <c>!</c>),
    /// hashed names (<c>|1|salt|hmac-sha1</c>), <c>[host]:port</c> names, <c>@revoked</c> lines; <c>@cert-authority</c> lines are ignored.
    /// </summary>
    public sealed class KnownHostsFile
    {
        private const string HashPrefix = "|1|";
        private readonly List<Entry> entries;
        private readonly object gate = new object();
        private int lineCount;

        private KnownHostsFile(string path, List<Entry> entries, int lineCount)
        {
            Path = path;
            this.entries = entries;
            this.lineCount = lineCount;
        }

        public string Path { get; }

        /// <summary>Reads the file; a missing file is an empty one. Lines that are not valid entries are skipped, as OpenSSH does.</summary>
        public static KnownHostsFile Load(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            var entries = new List<Entry>();
            var lineNumber = 0;
            if (File.Exists(path))
            {
                foreach (var line in File.ReadAllLines(path))
                {
                    lineNumber++;
                    var entry = Entry.Parse(line, lineNumber);
                    if (entry != null) entries.Add(entry);
                }
            }
            return new KnownHostsFile(path, entries, lineNumber);
        }

        /// <summary>The name known_hosts uses for a host: <c>host</c> on port 22, <c>[host]:port</c> on any other port.</summary>
        public static string HostPortName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

        /// <summary>
        /// Checks <paramref name="key"/> against the lines for every name in <paramref name="hosts"/> (the name typed and the address
        /// connected to, as OpenSSH's CheckHostIP does). A revoked key wins; then a changed key under any name; then a match under any name.
        /// </summary>
        public HostKeyCheckResult Check(IEnumerable<string> hosts, int port, string keyType, byte[] key)
        {
            if (hosts is null) throw new ArgumentNullException(nameof(hosts));
            if (keyType is null) throw new ArgumentNullException(nameof(keyType));
            if (key is null) throw new ArgumentNullException(nameof(key));
            var revoked = new List<KnownHostsKey>();
            var changed = new List<KnownHostsKey>();
            var matched = new List<KnownHostsKey>();
            foreach (var name in LookupNames(hosts, port))
            {
                var sameType = new List<KnownHostsKey>();
                var found = false;
                foreach (var entry in Snapshot().Where(e => e.Matches(name)))
                {
                    var sameKey = entry.Key.SequenceEqual(key);
                    if (entry.Revoked)
                    {
                        if (sameKey) revoked.Add(entry.Describe(name));
                    }
                    else if (string.Equals(entry.KeyType, keyType, StringComparison.Ordinal))
                    {
                        if (sameKey)
                        {
                            found = true;
                            matched.Add(entry.Describe(name));
                        }
                        else
                        {
                            sameType.Add(entry.Describe(name));
                        }
                    }
                }
                if (!found) changed.AddRange(sameType);
            }
            if (revoked.Count > 0) return new HostKeyCheckResult(HostKeyStatus.Revoked, revoked);
            if (changed.Count > 0) return new HostKeyCheckResult(HostKeyStatus.Changed, changed);
            if (matched.Count > 0) return new HostKeyCheckResult(HostKeyStatus.Match, matched);
            return new HostKeyCheckResult(HostKeyStatus.Unknown, Array.Empty<KnownHostsKey>());
        }

        /// <summary>The key types recorded for any of <paramref name="hosts"/>, in file order, without duplicates (revoked lines excluded).</summary>
        public IReadOnlyList<string> RecordedKeyTypes(IEnumerable<string> hosts, int port)
        {
            var names = LookupNames(hosts, port).ToList();
            return Snapshot().Where(e => !e.Revoked && names.Any(e.Matches)).Select(e => e.KeyType).Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// Appends one plain line naming every host in <paramref name="hosts"/> (as <c>[host]:port</c> when the port is not 22).
        /// Creates the file (mode 0600) and its folder (mode 0700) when they are missing; never rewrites other lines.
        /// </summary>
        public void Add(IEnumerable<string> hosts, int port, string keyType, byte[] key)
        {
            if (keyType is null) throw new ArgumentNullException(nameof(keyType));
            if (key is null) throw new ArgumentNullException(nameof(key));
            var names = LookupNames(hosts, port).ToList();
            if (names.Count == 0) throw new ArgumentException("At least one host name is needed.", nameof(hosts));
            var hostField = string.Join(",", names);
            var line = $"{hostField} {keyType} {Convert.ToBase64String(key)}";
            lock (gate)
            {
                var created = !File.Exists(Path);
                if (created) CreateFolder(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)));
                using (var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read))
                {
                    if (created) UnixPermissions.Set(Path, UnixPermissions.OwnerReadWrite);
                    var text = (EndsWithoutNewline(Path, stream.Position) ? "\n" : "") + line + "\n";
                    var bytes = new UTF8Encoding(false).GetBytes(text);
                    stream.Write(bytes, 0, bytes.Length);
                }
                entries.Add(new Entry(++lineCount, false, names.ToArray(), null, null, keyType, key));
            }
        }

        private List<Entry> Snapshot()
        {
            lock (gate) return new List<Entry>(entries);
        }

        private static IEnumerable<string> LookupNames(IEnumerable<string> hosts, int port) =>
            hosts.Where(h => !string.IsNullOrEmpty(h)).Select(h => HostPortName(h.ToLowerInvariant(), port)).Distinct(StringComparer.Ordinal);

        private static void CreateFolder(string? folder)
        {
            if (string.IsNullOrEmpty(folder) || Directory.Exists(folder)) return;
            Directory.CreateDirectory(folder);
            UnixPermissions.Set(folder!, UnixPermissions.OwnerAll);
        }

        private static bool EndsWithoutNewline(string path, long length)
        {
            if (length == 0) return false;
            using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                reader.Seek(length - 1, SeekOrigin.Begin);
                return reader.ReadByte() != '\n';
            }
        }

        /// <summary>One valid key line of the file.</summary>
        /// <param name="LineNumber">1-based line number in the file.</param>
        /// <param name="Revoked">The line is marked <c>@revoked</c>.</param>
        /// <param name="Patterns">The names and patterns of a plain line; null for a hashed one.</param>
        /// <param name="Salt">The salt of a hashed line (<c>|1|salt|hmac</c>); null for a plain one.</param>
        /// <param name="Hash">The HMAC-SHA1 of the name under <paramref name="Salt"/> of a hashed line; null for a plain one.</param>
        /// <param name="KeyType">The key type, e.g. <c>ssh-ed25519</c>.</param>
        /// <param name="Key">The public key's bytes.</param>
        private sealed record Entry(int LineNumber, bool Revoked, string[]? Patterns, byte[]? Salt, byte[]? Hash, string KeyType, byte[] Key)
        {
            public static Entry? Parse(string line, int lineNumber)
            {
                var fields = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0 || fields[0].StartsWith("#", StringComparison.Ordinal)) return null;
                var index = 0;
                var revoked = false;
                if (fields[0].StartsWith("@", StringComparison.Ordinal))
                {
                    if (!string.Equals(fields[0], "@revoked", StringComparison.Ordinal)) return null;
                    revoked = true;
                    index = 1;
                }
                if (fields.Length < index + 3) return null;
                var hosts = fields[index];
                var keyType = fields[index + 1];
                var key = FromBase64(fields[index + 2]);
                if (key is null) return null;
                if (!hosts.StartsWith(HashPrefix, StringComparison.Ordinal))
                {
                    return new Entry(lineNumber, revoked, hosts.Split(','), null, null, keyType, key);
                }
                var parts = hosts.Substring(HashPrefix.Length).Split('|');
                if (parts.Length != 2) return null;
                var salt = FromBase64(parts[0]);
                var hash = FromBase64(parts[1]);
                return salt is null || hash is null ? null : new Entry(lineNumber, revoked, null, salt, hash, keyType, key);
            }

            public bool Matches(string name)
            {
                if (Patterns != null) return HostPattern.MatchesList(name, Patterns);
                using (var hmac = new HMACSHA1(Salt!))
                {
                    return hmac.ComputeHash(Encoding.UTF8.GetBytes(name)).SequenceEqual(Hash!);
                }
            }

            public KnownHostsKey Describe(string matchedName) => new KnownHostsKey(LineNumber, matchedName, KeyType, SshPublicKey.Fingerprint(Key));

            private static byte[]? FromBase64(string text)
            {
                try
                {
                    return Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }
    }
}
