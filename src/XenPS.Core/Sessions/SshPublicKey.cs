using System.Security.Cryptography;

namespace XenPS.Core.Sessions
{
    /// <summary>Facts about an SSH public key blob (the wire form: a length-prefixed key type name, then the key).</summary>
    public static class SshPublicKey
    {
        /// <summary>The fingerprint as <c>ssh-keygen -lf</c> prints it: <c>SHA256:</c> and the base64 SHA-256 of the blob without padding.</summary>
        public static string Fingerprint(byte[] keyBlob)
        {
            if (keyBlob is null) throw new ArgumentNullException(nameof(keyBlob));
            using (var sha = SHA256.Create())
            {
                return "SHA256:" + Convert.ToBase64String(sha.ComputeHash(keyBlob)).TrimEnd('=');
            }
        }

        /// <summary>The key type named inside the blob, e.g. <c>ssh-ed25519</c>, <c>ssh-rsa</c>, <c>ecdsa-sha2-nistp256</c>.</summary>
        public static string KeyType(byte[] keyBlob)
        {
            if (keyBlob is null) throw new ArgumentNullException(nameof(keyBlob));
            if (keyBlob.Length < 4) throw new ArgumentException("The key blob is too short to hold a key type.", nameof(keyBlob));
            var length = (keyBlob[0] << 24) | (keyBlob[1] << 16) | (keyBlob[2] << 8) | keyBlob[3];
            if (length <= 0 || length > keyBlob.Length - 4) throw new ArgumentException("The key blob does not start with a key type name.", nameof(keyBlob));
            return Encoding.ASCII.GetString(keyBlob, 4, length);
        }
    }
}
