using System.Net;
using XenPS.Core.Parsing;

namespace XenPS.Core.Relocation
{
    /// <summary>
    /// The listening TCP sockets of a Linux host, from the text of <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>.
    /// Each row's <c>local_address</c> is <c>ADDRESS:PORT</c> in hex: the address as the kernel stores it, printed 32 bits
    /// at a time in the host's (little-endian: x86, arm64) byte order, the port as a plain number. State <c>0A</c> is LISTEN.
    /// </summary>
    public static class ListenerTable
    {
        private const string ListenState = "0A";

        /// <summary>
        /// Every distinct (address, port) in LISTEN state: IPv4 in dotted form, IPv6 in short form (<c>::</c>, <c>::1</c>,
        /// <c>::ffff:127.0.0.1</c>). Pass an empty string for a table the host does not have (no IPv6).
        /// </summary>
        /// <exception cref="XenParseException">A row is not in the /proc/net/tcp format.</exception>
        public static IReadOnlyList<(string Address, int Port)> Parse(string procNetTcp, string procNetTcp6)
        {
            if (procNetTcp is null) throw new ArgumentNullException(nameof(procNetTcp));
            if (procNetTcp6 is null) throw new ArgumentNullException(nameof(procNetTcp6));
            return Rows(procNetTcp, "/proc/net/tcp", 8).Concat(Rows(procNetTcp6, "/proc/net/tcp6", 32)).Distinct().ToList();
        }

        /// <summary>
        /// Whether a listener on <paramref name="port"/> takes connections to <paramref name="address"/>: one bound to that
        /// address or to every address (<c>0.0.0.0</c>, <c>::</c>). An empty or null address, <c>0.0.0.0</c>, <c>::</c> or
        /// a name rather than an IP address (which is not resolved here) asks only whether anything listens on the port.
        /// </summary>
        public static bool IsListening(IReadOnlyList<(string Address, int Port)> listeners, int port, string? address)
        {
            if (listeners is null) throw new ArgumentNullException(nameof(listeners));
            var wanted = Normalize(address);
            return listeners.Any(l => l.Port == port && (wanted == null || Accepts(Normalize(l.Address), wanted)));
        }

        /// <summary>A listener bound to <paramref name="bound"/> (null: every address) takes connections to <paramref name="wanted"/>.</summary>
        private static bool Accepts(IPAddress? bound, IPAddress wanted) => bound == null || bound.Equals(wanted);

        /// <summary>The IP address, IPv4-mapped IPv6 as IPv4; null for none, a wildcard or a name.</summary>
        private static IPAddress? Normalize(string? address)
        {
            if (string.IsNullOrEmpty(address) || !IPAddress.TryParse(address, out var ip)) return null;
            if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            return ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) ? null : ip;
        }

        private static IEnumerable<(string Address, int Port)> Rows(string table, string name, int addressDigits)
        {
            var lines = table.Split('\n');
            for (var n = 0; n < lines.Length; n++)
            {
                var fields = lines[n].Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0 || fields[0] == "sl") continue;
                var local = fields.Length > 3 ? fields[1].Split(':') : Array.Empty<string>();
                if (local.Length != 2 || local[0].Length != addressDigits || !IsHex(local[0]) || local[1].Length != 4 || !IsHex(local[1]) || fields[3].Length != 2)
                {
                    throw new XenParseException($"Line {n + 1} of {name} is not a socket row ('sl: local_address rem_address st ...'): {lines[n].Trim()}");
                }
                if (fields[3] != ListenState) continue;
                yield return (AddressText(local[0]), int.Parse(local[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            }
        }

        private static bool IsHex(string s) => s.All(Uri.IsHexDigit);

        /// <summary>Each 8-digit group is one 32-bit word in little-endian order: 0100007F is 127.0.0.1.</summary>
        private static string AddressText(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (var word = 0; word < bytes.Length / 4; word++)
            {
                for (var b = 0; b < 4; b++)
                {
                    bytes[word * 4 + b] = byte.Parse(hex.Substring(word * 8 + (3 - b) * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                }
            }
            return new IPAddress(bytes).ToString();
        }
    }
}
