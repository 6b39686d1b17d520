using System;
using System.Collections.Generic;
using System.Linq;

namespace XenPS.Core.Relocation
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
        /// <exception cref="ArgumentException">An entry is not a regular expression this rule can evaluate (see <see cref="HostsAllowEntry.FromUserInput"/>).</exception>
        public static bool IsAllowed(IReadOnlyList<string> regexes, string peerAddress, string? peerFqdn)
        {
            if (regexes is null) throw new ArgumentNullException(nameof(regexes));
            if (peerAddress is null) throw new ArgumentNullException(nameof(peerAddress));
            var fqdn = peerFqdn ?? peerAddress;
            // xend compiles every entry when the server starts, so one bad entry fails them all.
            var compiled = regexes.Select(PythonRegex.Compile).ToList();
            return compiled.Count == 0 || compiled.Any(regex => PythonRegex.MatchesAtStart(regex, fqdn) || PythonRegex.MatchesAtStart(regex, peerAddress));
        }
    }
}
