using System;
using System.IO;
using System.Runtime.Versioning;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    [UnsupportedOSPlatform("windows")]
    public sealed class KnownHostsFileTests : IDisposable
    {
        private static readonly byte[] KeyA = Blob("ssh-ed25519", 1);
        private static readonly byte[] KeyB = Blob("ssh-ed25519", 2);
        private static readonly byte[] RsaKey = Blob("ssh-rsa", 3);
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void AMissingFileKnowsNoHost()
        {
            var file = KnownHostsFile.Load(_temp.File("absent"));

            Assert.Equal(HostKeyStatus.Unknown, Check(file, "dom0-a", KeyA).Status);
        }

        [Theory]
        [InlineData("dom0-a")]
        [InlineData("DOM0-A")]
        [InlineData("198.18.0.11")]
        public void APlainLineMatchesEachOfItsNamesWhateverTheCase(string host)
        {
            var file = Load($"dom0-a,198.18.0.11 ssh-ed25519 {B64(KeyA)} root@dom0-a\n");

            var result = Check(file, host, KeyA);

            Assert.Equal(HostKeyStatus.Match, result.Status);
            Assert.Equal(1, Assert.Single(result.RecordedKeys).LineNumber);
        }

        [Fact]
        public void AnotherKeyOfTheSameTypeIsAChangeWithTheRecordedFingerprintAndLine()
        {
            var file = Load($"# lab hosts\n\ndom0-b ssh-rsa {B64(RsaKey)}\ndom0-a ssh-ed25519 {B64(KeyA)}\n");

            var result = Check(file, "dom0-a", KeyB);

            Assert.Equal(HostKeyStatus.Changed, result.Status);
            var recorded = Assert.Single(result.RecordedKeys);
            Assert.Equal(4, recorded.LineNumber);
            Assert.Equal("dom0-a", recorded.MatchedName);
            Assert.Equal(SshPublicKey.Fingerprint(KeyA), recorded.Fingerprint);
        }

        [Fact]
        public void AHostWithKeysOfOtherTypesOnlyIsUnknown()
        {
            var file = Load($"dom0-a ssh-rsa {B64(RsaKey)}\n");

            Assert.Equal(HostKeyStatus.Unknown, Check(file, "dom0-a", KeyA).Status);
            Assert.Equal(new[] { "ssh-rsa" }, file.RecordedKeyTypes(new[] { "dom0-a" }, 22));
        }

        [Fact]
        public void AnyMatchingLineWinsOverAnotherKeyOfTheSameType()
        {
            var file = Load($"dom0-a ssh-ed25519 {B64(KeyB)}\ndom0-a ssh-ed25519 {B64(KeyA)}\n");

            Assert.Equal(HostKeyStatus.Match, Check(file, "dom0-a", KeyA).Status);
        }

        [Fact]
        public void AHashedLineMadeTheOpenSshWayMatchesOnlyItsHost()
        {
            var file = Load($"{Hashed("dom0-a")} ssh-ed25519 {B64(KeyA)}\n{Hashed("[dom0-b]:2222")} ssh-ed25519 {B64(KeyB)}\n");

            Assert.Equal(HostKeyStatus.Match, Check(file, "dom0-a", KeyA).Status);
            Assert.Equal(HostKeyStatus.Match, Check(file, "Dom0-A", KeyA).Status);
            Assert.Equal(HostKeyStatus.Unknown, Check(file, "dom0-c", KeyA).Status);
            Assert.Equal(HostKeyStatus.Match, file.Check(new[] { "dom0-b" }, 2222, "ssh-ed25519", KeyB).Status);
            Assert.Equal(HostKeyStatus.Unknown, Check(file, "dom0-b", KeyB).Status);
        }

        [Fact]
        public void LinesHashedBySshKeygenAreFound()
        {
            var path = _temp.Write("known_hosts", $"dom0-a ssh-ed25519 {B64(KeyA)}\n[dom0-b]:2222 ssh-ed25519 {B64(KeyB)}\n");
            TempFolder.Run("ssh-keygen", "-q", "-H", "-f", path);
            Assert.All(File.ReadAllLines(path), line => Assert.StartsWith("|1|", line));

            var file = KnownHostsFile.Load(path);

            Assert.Equal(HostKeyStatus.Match, Check(file, "dom0-a", KeyA).Status);
            Assert.Equal(HostKeyStatus.Changed, file.Check(new[] { "dom0-b" }, 2222, "ssh-ed25519", KeyA).Status);
        }

        [Fact]
        public void APortOtherThan22IsLookedUpAsBracketedHostAndPort()
        {
            var file = Load($"[dom0-a]:2222 ssh-ed25519 {B64(KeyA)}\ndom0-b ssh-ed25519 {B64(KeyB)}\n");

            Assert.Equal(HostKeyStatus.Match, file.Check(new[] { "dom0-a" }, 2222, "ssh-ed25519", KeyA).Status);
            Assert.Equal(HostKeyStatus.Unknown, Check(file, "dom0-a", KeyA).Status);
            Assert.Equal(HostKeyStatus.Unknown, file.Check(new[] { "dom0-b" }, 2222, "ssh-ed25519", KeyB).Status);
        }

        [Theory]
        [InlineData("a.lab.example", HostKeyStatus.Match)]
        [InlineData("dom0-7", HostKeyStatus.Match)]
        [InlineData("dom0-17", HostKeyStatus.Unknown)]
        [InlineData("evil.lab.example", HostKeyStatus.Unknown)]
        [InlineData("lab.example", HostKeyStatus.Unknown)]
        public void PatternsUseWildcardsAndNegation(string host, HostKeyStatus expected)
        {
            var file = Load($"*.lab.example,!evil.lab.example,dom0-? ssh-ed25519 {B64(KeyA)}\n");

            Assert.Equal(expected, Check(file, host, KeyA).Status);
        }

        [Fact]
        public void ARevokedKeyIsRefusedEvenWhenAnotherLineRecordsIt()
        {
            var file = Load($"dom0-a ssh-ed25519 {B64(KeyA)}\n@revoked * ssh-ed25519 {B64(KeyA)}\n");

            var result = Check(file, "dom0-a", KeyA);

            Assert.Equal(HostKeyStatus.Revoked, result.Status);
            Assert.Equal(2, Assert.Single(result.RecordedKeys).LineNumber);
            Assert.Equal(HostKeyStatus.Changed, Check(file, "dom0-a", KeyB).Status);
        }

        [Fact]
        public void CertificateAuthorityAndMalformedLinesAreIgnored()
        {
            var file = Load($"@cert-authority *.lab ssh-ed25519 {B64(KeyA)}\ndom0-a ssh-ed25519 not-base64!\ndom0-a\n");

            Assert.Equal(HostKeyStatus.Unknown, Check(file, "x.lab", KeyA).Status);
            Assert.Equal(HostKeyStatus.Unknown, Check(file, "dom0-a", KeyA).Status);
        }

        [Fact]
        public void AMatchUnderTheAddressIsEnoughButAChangeUnderEitherNameRefuses()
        {
            var file = Load($"198.18.0.11 ssh-ed25519 {B64(KeyA)}\ndom0-b ssh-ed25519 {B64(KeyB)}\n198.18.0.12 ssh-ed25519 {B64(KeyA)}\n");

            Assert.Equal(HostKeyStatus.Match, file.Check(new[] { "dom0-a", "198.18.0.11" }, 22, "ssh-ed25519", KeyA).Status);
            var changed = file.Check(new[] { "dom0-b", "198.18.0.12" }, 22, "ssh-ed25519", KeyA);
            Assert.Equal(HostKeyStatus.Changed, changed.Status);
            Assert.Equal("dom0-b", Assert.Single(changed.RecordedKeys).MatchedName);
        }

        [Fact]
        public void AddCreatesTheFolderAndFilePrivatelyAndWritesALineOpenSshFinds()
        {
            var path = Path.Combine(_temp.Path, "ssh", "known_hosts");
            var file = KnownHostsFile.Load(path);

            file.Add(new[] { "Dom0-A", "198.18.0.11" }, 2222, "ssh-ed25519", KeyA);

            Assert.Equal($"[dom0-a]:2222,[198.18.0.11]:2222 ssh-ed25519 {B64(KeyA)}\n", File.ReadAllText(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            Assert.Equal(HostKeyStatus.Match, file.Check(new[] { "dom0-a" }, 2222, "ssh-ed25519", KeyA).Status);
            Assert.Equal(HostKeyStatus.Match, KnownHostsFile.Load(path).Check(new[] { "198.18.0.11" }, 2222, "ssh-ed25519", KeyA).Status);
            Assert.Contains("[dom0-a]:2222", TempFolder.Run("ssh-keygen", "-F", "[dom0-a]:2222", "-f", path));
        }

        [Fact]
        public void AddAppendsWithoutTouchingOtherLines()
        {
            var before = $"# mine\ndom0-b ssh-ed25519 {B64(KeyB)} comment";
            var path = _temp.Write("known_hosts", before);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var file = KnownHostsFile.Load(path);

            file.Add(new[] { "dom0-a" }, 22, "ssh-ed25519", KeyA);

            Assert.Equal(before + $"\ndom0-a ssh-ed25519 {B64(KeyA)}\n", File.ReadAllText(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
            var changed = file.Check(new[] { "dom0-a" }, 22, "ssh-ed25519", KeyB);
            Assert.Equal(3, Assert.Single(changed.RecordedKeys).LineNumber);
        }

        private KnownHostsFile Load(string text) => KnownHostsFile.Load(_temp.Write("known_hosts", text));

        private static HostKeyCheckResult Check(KnownHostsFile file, string host, byte[] key) =>
            file.Check(new[] { host }, 22, SshPublicKey.KeyType(key), key);

        private static string B64(byte[] key) => Convert.ToBase64String(key);

        /// <summary>A hashed host name as OpenSSH writes it: <c>|1|</c> base64 salt <c>|</c> base64 HMAC-SHA1 of the name keyed by the salt.</summary>
        private static string Hashed(string name)
        {
            var salt = RandomNumberGenerator.GetBytes(20);
            using var hmac = new HMACSHA1(salt);
            return $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(name)))}";
        }

        /// <summary>A public key blob: the length-prefixed type name, then 32 bytes derived from <paramref name="seed"/>.</summary>
        internal static byte[] Blob(string type, byte seed)
        {
            var name = Encoding.ASCII.GetBytes(type);
            var material = SHA256.HashData(new[] { seed });
            return Length(name.Length).Concat(name).Concat(Length(material.Length)).Concat(material).ToArray();
        }

        private static byte[] Length(int length) => new[] { (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length };
    }
}
