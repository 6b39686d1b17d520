using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// One hop of a jump chain as written in ssh_config's <c>ProxyJump</c> or <c>ssh -J</c>: <c>[user@]host[:port]</c>, where host is a
    /// name (or ssh_config alias), an IPv4 address or an IPv6 address in brackets. What is not given comes from the ssh config for that host.
    /// </summary>
    public sealed class JumpHostSpec
    {
        private static readonly Regex UserPattern = new Regex(@"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}$", RegexOptions.CultureInvariant);
        private static readonly Regex NamePattern = new Regex(
            @"^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$",
            RegexOptions.CultureInvariant);

        private JumpHostSpec(string? userName, string host, int? port)
        {
            UserName = userName;
            Host = host;
            Port = port;
        }

        /// <summary>The user before <c>@</c>, or null.</summary>
        public string? UserName { get; }

        /// <summary>The host name, alias or address (an IPv6 address without its brackets).</summary>
        public string Host { get; }

        /// <summary>The port after <c>:</c>, or null.</summary>
        public int? Port { get; }

        /// <summary>The words OpenSSH takes to mean "no jump host": <c>none</c>, in any case.</summary>
        internal static bool IsNone(string text) => string.Equals(text, "none", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Reads one hop; on failure returns null and says in <paramref name="problem"/> what is wrong (a phrase that fits after "is not valid: ").
        /// </summary>
        public static JumpHostSpec? TryParse(string text, out string problem)
        {
            problem = "";
            if (string.IsNullOrWhiteSpace(text))
            {
                problem = "it is empty";
                return null;
            }
            if (text.Trim().Length != text.Length || text.IndexOf(' ') >= 0)
            {
                problem = "it contains white space";
                return null;
            }
            string? user = null;
            var rest = text;
            var at = text.LastIndexOf('@');
            if (at >= 0)
            {
                user = text.Substring(0, at);
                rest = text.Substring(at + 1);
                if (!UserPattern.IsMatch(user))
                {
                    problem = $"'{user}' is not a user name (letters, digits, '.', '_' and '-', at most 32, not starting with '-')";
                    return null;
                }
            }
            string host;
            string? portText = null;
            if (rest.StartsWith("[", StringComparison.Ordinal))
            {
                var close = rest.IndexOf(']');
                if (close < 0)
                {
                    problem = "the '[' of an IPv6 address has no ']'";
                    return null;
                }
                host = rest.Substring(1, close - 1);
                var after = rest.Substring(close + 1);
                if (after.Length > 0)
                {
                    if (after[0] != ':')
                    {
                        problem = $"'{after}' after the IPv6 address is not ':PORT'";
                        return null;
                    }
                    portText = after.Substring(1);
                }
                if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                {
                    problem = $"'{host}' in brackets is not an IPv6 address";
                    return null;
                }
            }
            else
            {
                var colon = rest.IndexOf(':');
                if (colon >= 0 && rest.IndexOf(':', colon + 1) >= 0)
                {
                    problem = $"'{rest}' has several ':'; write an IPv6 address in brackets, as [2001:db8::1]:22";
                    return null;
                }
                host = colon >= 0 ? rest.Substring(0, colon) : rest;
                if (colon >= 0) portText = rest.Substring(colon + 1);
                if (!IsHostName(host))
                {
                    problem = host.Length == 0 ? "the host is missing" : $"'{host}' is neither a host name nor an IPv4 address";
                    return null;
                }
            }
            int? port = null;
            if (portText != null)
            {
                if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > 65535)
                {
                    problem = $"the port '{portText}' is not a number from 1 to 65535";
                    return null;
                }
                port = p;
            }
            return new JumpHostSpec(user, host, port);
        }

        /// <summary>
        /// Reads a comma-separated chain (<c>a,b,c</c>, first hop first), or <c>none</c> (an empty chain).
        /// On failure returns null and says which hop is wrong in <paramref name="problem"/>.
        /// </summary>
        public static IReadOnlyList<JumpHostSpec>? TryParseList(string text, out string problem)
        {
            problem = "";
            if (IsNone(text)) return Array.Empty<JumpHostSpec>();
            var hops = new List<JumpHostSpec>();
            foreach (var part in text.Split(','))
            {
                var hop = TryParse(part, out var why);
                if (hop is null)
                {
                    problem = $"the jump host '{part}' is not valid: {why}";
                    return null;
                }
                hops.Add(hop);
            }
            return hops;
        }

        /// <summary>Formats a hop as <c>[user@]host[:port]</c>, with an IPv6 address in brackets.</summary>
        public static string Format(string? userName, string host, int? port)
        {
            var h = host.IndexOf(':') >= 0 ? "[" + host + "]" : host;
            return (userName is null ? "" : userName + "@") + h + (port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "");
        }

        /// <inheritdoc/>
        public override string ToString() => Format(UserName, Host, Port);

        /// <summary>A DNS name or alias (letters, digits, '-', '_', dot-separated labels); an IPv4 address is one too.</summary>
        private static bool IsHostName(string host) => NamePattern.IsMatch(host);
    }
}
