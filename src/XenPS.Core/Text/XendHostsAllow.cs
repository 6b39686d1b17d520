using System.Text.RegularExpressions;

namespace XenPS.Core.Text
{
    /// <summary>
    /// xend's rule for who may connect to the relocation server (<c>xen/xend/server/relocate.py</c> and
    /// <c>xen/web/connection.py</c> <c>hostAllowed</c>): the <c>xend-relocation-hosts-allow</c> string is split on single
    /// spaces, each piece is compiled with Python's <c>re.compile</c>, and a peer is let in when any pattern <c>.match</c>es
    /// its fully qualified name (<c>socket.getfqdn</c> of its address) or its IP address. <c>.match</c> is anchored at the
    /// start only: <c>^192\.0\.100\.</c> admits 192.0.100.7, and <c>^host</c> admits <c>host.example.org</c> and
    /// <c>hostile.example.net</c>. An empty string admits everyone. A doubled or trailing space gives an empty pattern,
    /// which matches every peer.
    /// </summary>
    public static class XendHostsAllow
    {
        /// <summary>
        /// Peer names unlike each other in every way a pattern could tell them apart: first character (letter, digit,
        /// hyphen, dot, upper and lower case), length, dots, and what follows the first label.
        /// </summary>
        private static readonly string[] ProbeNames =
        {
            "a", "Z", "0", "9x", "-", ".", "_", "localhost", "dom0-a.example.org", "MIXED.Example.NET", "xn--bcher-kva.example",
            "mail.test", "q1w2e3.invalid", new string('y', 63) + ".long." + new string('z', 63),
        };

        /// <summary>IPv4 peer addresses (xend's relocation server listens on IPv4 only), from every first octet range.</summary>
        private static readonly string[] ProbeAddresses =
        {
            "0.0.0.0", "1.2.3.4", "10.0.0.1", "127.0.0.1", "172.16.254.3", "192.0.2.1", "198.51.100.77", "203.0.113.254", "255.255.255.255",
        };

        /// <summary>The entries of a hosts-allow value as xend splits it: none for <c>''</c>, empty entries kept.</summary>
        public static string[] Split(string value)
        {
            if (value is null) throw new ArgumentNullException(nameof(value));
            return value.Length == 0 ? Array.Empty<string>() : value.Split(' ');
        }

        /// <summary>The hosts-allow value for <paramref name="entries"/>: joined with single spaces.</summary>
        public static string Join(IEnumerable<string> entries) => string.Join(" ", entries);

        /// <summary>
        /// Whether xend lets the peer at <paramref name="peerAddress"/> connect. <paramref name="peerFqdn"/> is what
        /// <c>socket.getfqdn</c> gives on the destination for that address; null when it has no name, in which case Python
        /// returns the address itself.
        /// </summary>
        /// <exception cref="ArgumentException">An entry is not a regular expression this rule can evaluate (see Relocation.HostsAllowEntry.FromUserInput).</exception>
        public static bool IsAllowed(IReadOnlyList<string> regexes, string peerAddress, string? peerFqdn)
        {
            if (regexes is null) throw new ArgumentNullException(nameof(regexes));
            if (peerAddress is null) throw new ArgumentNullException(nameof(peerAddress));
            var fqdn = peerFqdn ?? peerAddress;
            // xend compiles every entry when the server starts, so one bad entry fails them all.
            var compiled = regexes.Select(PythonRegex.Compile).ToList();
            return compiled.Count == 0 || compiled.Any(regex => PythonRegex.MatchesAtStart(regex, fqdn) || PythonRegex.MatchesAtStart(regex, peerAddress));
        }

        /// <summary>
        /// Why <paramref name="entries"/> admit every host, or null when they do not: the list is empty, an entry is empty
        /// (a doubled or trailing space), or an entry <c>re.match</c>es every probe name, or every probe IPv4 address, so
        /// that any peer gets in by its name or by its address (<c>^</c>, <c>.*</c>, <c>^[0-9]</c>...). An entry that does
        /// not compile admits nobody here; xend refuses the whole list then.
        /// </summary>
        public static string? AdmitsEveryone(IReadOnlyList<string> entries)
        {
            if (entries is null) throw new ArgumentNullException(nameof(entries));
            if (entries.Count == 0) return "is empty";
            if (entries.Any(entry => entry.Length == 0)) return "holds an empty entry (a doubled or trailing space)";
            foreach (var entry in entries)
            {
                Regex regex;
                try
                {
                    regex = PythonRegex.Compile(entry);
                }
                catch (ArgumentException)
                {
                    continue;
                }
                if (ProbeNames.All(name => PythonRegex.MatchesAtStart(regex, name))) return $"holds '{entry}', which matches every host name";
                if (ProbeAddresses.All(address => PythonRegex.MatchesAtStart(regex, address))) return $"holds '{entry}', which matches every IPv4 address";
            }
            return null;
        }
    }
}
