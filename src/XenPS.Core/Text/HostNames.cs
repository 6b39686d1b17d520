using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace XenPS.Core.Text
{
    /// <summary>Checks for host names (RFC 1123) and IP addresses typed by the user.</summary>
    internal static class HostNames
    {
        private static readonly Regex Label = new Regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\z", RegexOptions.CultureInvariant);

        private static readonly Regex DottedQuad = new Regex(@"^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}\z", RegexOptions.CultureInvariant);

        /// <summary>Four decimal numbers 0 to 255 without leading zeros, the way the kernel prints a peer address.</summary>
        public static bool IsIPv4(string value) => DottedQuad.IsMatch(value) && value.Split('.').All(n => int.Parse(n, CultureInfo.InvariantCulture) <= 255);

        /// <summary>An IPv6 address in any textual form, without a zone.</summary>
        public static bool IsIPv6(string value) =>
            value.Contains(':') && !value.Contains('%') && IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

        /// <summary>Null for a valid RFC 1123 host name; otherwise what is wrong with it.</summary>
        public static string? NameProblem(string value)
        {
            if (value.Length > 253) return "is longer than 253 characters";
            var labels = value.Split('.');
            if (labels.Any(l => !Label.IsMatch(l)))
            {
                return "is not a host name: each dot-separated label must be 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen";
            }
            if (labels[labels.Length - 1].All(char.IsDigit)) return "is not a valid IPv4 address (four numbers 0-255 without leading zeros)";
            return null;
        }
    }
}
