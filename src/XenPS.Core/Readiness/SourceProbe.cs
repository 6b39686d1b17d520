using System.Collections.Generic;
using XenPS.Core.Relocation;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>How the source dom0 sees the destination: the address its name resolves to and the route there.</summary>
    internal sealed class RouteFacts
    {
        /// <summary>The user's name for the destination resolves on the source (so the source's ssh can use it).</summary>
        public bool DestinationNameResolves { get; set; }

        /// <summary>The destination's address as the source resolves it (the session's HostName, or that address itself); null when it does not resolve.</summary>
        public string? DestinationAddress { get; set; }

        /// <summary>The source's own address on the route to the destination (<c>ip route get</c>'s <c>src</c>): the peer address the destination sees.</summary>
        public string? SourceAddress { get; set; }

        /// <summary>What <c>ip route get</c> printed, on one line.</summary>
        public string Route { get; set; } = "";
    }

    /// <summary>The source's first round trip: the common host facts plus the destination's address and the route to it.</summary>
    internal static class SourceProbe
    {
        /// <summary>
        /// The batch. <paramref name="destinationName"/> is the user's name for the destination and <paramref name="destinationHost"/>
        /// the name or address the session connected to; a value that is not a valid host name or IP address is not sent.
        /// </summary>
        public static RemoteBatch NewBatch(string destinationName, string destinationHost) =>
            HostProbe.NewBatch().Add("destination", DestinationCommand(destinationName, destinationHost));

        internal static string DestinationCommand(string destinationName, string destinationHost)
        {
            var name = IsHostOrAddress(destinationName) ? destinationName : "";
            var host = IsHostOrAddress(destinationHost) ? destinationHost : "";
            var literal = IsAddress(host) ? host : "";
            return
                "d_name=" + ShellQuote.Quote(name) + "; d_host=" + ShellQuote.Quote(host) + "; d_addr=" + ShellQuote.Quote(literal) + "\n" +
                "if [ -n \"$d_name\" ] && getent hosts \"$d_name\" >/dev/null 2>&1; then echo name-resolves=yes; else echo name-resolves=no; fi\n" +
                "[ -n \"$d_addr\" ] || [ -z \"$d_host\" ] || d_addr=$(getent ahostsv4 \"$d_host\" 2>/dev/null | { read -r a _ && echo \"$a\"; })\n" +
                "[ -n \"$d_addr\" ] || [ -z \"$d_host\" ] || d_addr=$(getent ahosts \"$d_host\" 2>/dev/null | { read -r a _ && echo \"$a\"; })\n" +
                "printf 'address=%s\\n' \"$d_addr\"\n" +
                "if [ -n \"$d_addr\" ]; then printf 'route=%s\\n' \"$(ip route get \"$d_addr\" 2>&1 | tr '\\n' ' ')\"; fi\n" +
                "true";
        }

        /// <summary>Reads the <c>destination</c> section.</summary>
        public static RouteFacts ReadRoute(string destinationName, RemoteResult section)
        {
            var values = ProbeOutput.KeyValues(section.Stdout);
            var address = values.Get("address");
            var route = values.Get("route").Trim();
            return new RouteFacts
            {
                DestinationNameResolves = IsAddress(destinationName) || values.Get("name-resolves") == "yes",
                DestinationAddress = address.Length == 0 ? null : address,
                SourceAddress = RouteSource(route),
                Route = route,
            };
        }

        /// <summary>The address after <c>src</c> in <c>ip route get</c> output, when it is an IP address.</summary>
        internal static string? RouteSource(string route)
        {
            var words = route.Split(new[] { ' ', '\t' }, System.StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + 1 < words.Length; i++)
            {
                if (words[i] == "src" && IsAddress(words[i + 1])) return words[i + 1];
            }
            return null;
        }

        /// <summary>An IPv4 or IPv6 address literal.</summary>
        internal static bool IsAddress(string value) => HostNames.IsIPv4(value) || HostNames.IsIPv6(value);

        /// <summary>Safe to hand to getent, ssh and bash's /dev/tcp: an RFC 1123 host name or an IP address.</summary>
        internal static bool IsHostOrAddress(string value) =>
            value.Length > 0 && (IsAddress(value) || HostNames.NameProblem(value) == null);
    }
}
