using System.Security.Cryptography;

namespace XenPS.Core.Remote
{
    /// <summary>Names a host cannot guess before XenPS sends them: marker files, stop files.</summary>
    public static class RandomToken
    {
        /// <summary>32 random hex digits.</summary>
        public static string New()
        {
            var bytes = new byte[16];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }
            return string.Concat(bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }
}
