using System;
using System.IO;
using XenPS.Core.Sessions;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public sealed class SshPublicKeyTests : IDisposable
    {
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Theory]
        [InlineData("ed25519", "ssh-ed25519")]
        [InlineData("ecdsa", "ecdsa-sha2-nistp256")]
        [InlineData("rsa", "ssh-rsa")]
        public void FingerprintAndTypeAreThoseSshKeygenPrints(string algorithm, string keyType)
        {
            var path = _temp.File("key_" + algorithm);
            TempFolder.Run("ssh-keygen", "-q", "-t", algorithm, "-N", "", "-C", "test", "-f", path);
            var blob = Convert.FromBase64String(File.ReadAllText(path + ".pub").Split(' ')[1]);

            var keygen = TempFolder.Run("ssh-keygen", "-l", "-E", "sha256", "-f", path + ".pub").Split(' ')[1];

            Assert.Equal(keygen, SshPublicKey.Fingerprint(blob));
            Assert.Equal(keyType, SshPublicKey.KeyType(blob));
        }

        [Fact]
        public void ABlobWithoutATypeNameIsRejected()
        {
            Assert.Throws<ArgumentException>(() => SshPublicKey.KeyType(new byte[] { 0, 0, 0, 9, 65 }));
        }
    }
}
