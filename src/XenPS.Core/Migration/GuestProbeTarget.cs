using System.Net;
using System.Text.RegularExpressions;
using XenPS.Core.Text;

namespace XenPS.Core.Migration
{
    /// <summary>A TCP service in the guest that the guest probe connects to: a host name or address, and a port (<c>com-xp1:3389</c>, <c>[2001:db8::5]:22</c>).</summary>
    public sealed class GuestProbeTarget
    {
        private GuestProbeTarget(string host, int port)
        {
            Host = host;
            Port = port;
        }

        /// <summary>The host name, IPv4 address, or IPv6 address (without brackets).</summary>
        public string Host { get; }

        public int Port { get; }

        /// <summary>
        /// Reads <c>HOST:PORT</c>: HOST a DNS host name (letters, digits, hyphens, dots), an IPv4 address, or an IPv6 address in
        /// brackets; PORT 1 to 65535. Anything else (a shell character, a space, a missing port) throws <see cref="FormatException"/>
        /// with what to write instead.
        /// </summary>
        public static GuestProbeTarget Parse(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || colon == text.Length - 1) throw Invalid(text, "it has no port");
            var host = text.Substring(0, colon);
            var portText = text.Substring(colon + 1);
            if (!Regex.IsMatch(portText, "^[0-9]{1,5}\\z", RegexOptions.CultureInvariant)
                || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
            {
                throw Invalid(text, $"'{portText}' is not a port from 1 to 65535");
            }
            if (host.StartsWith("[", StringComparison.Ordinal) && host.EndsWith("]", StringComparison.Ordinal))
            {
                var inner = host.Substring(1, host.Length - 2);
                if (HostNames.IsIPv6(inner)) return new GuestProbeTarget(IPAddress.Parse(inner).ToString(), port);
                throw Invalid(text, $"'{inner}' is not an IPv6 address");
            }
            if (host.IndexOf(':') >= 0) throw Invalid(text, "an IPv6 address must be written in brackets");
            if (Regex.IsMatch(host, "^[0-9.]+\\z", RegexOptions.CultureInvariant) && !HostNames.IsIPv4(host)) throw Invalid(text, $"'{host}' is not an IPv4 address");
            if (!HostNames.IsIPv4(host) && HostNames.NameProblem(host) != null) throw Invalid(text, $"'{host}' is not a host name (letters, digits, hyphens and dots only)");
            return new GuestProbeTarget(host, port);
        }

        public override string ToString() => (Host.IndexOf(':') >= 0 ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

        private static FormatException Invalid(string text, string why) =>
            new FormatException($"The guest probe '{text}' is not HOST:PORT: {why}. Give a host name or address of the guest and a TCP port of a service in it, e.g. 'com-xp1:3389' or '[2001:db8::5]:22'.");
    }
}
