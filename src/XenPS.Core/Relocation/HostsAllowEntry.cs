using System.Net;
using XenPS.Core.Text;

namespace XenPS.Core.Relocation
{
    /// <summary>Turns what a user types into an <c>xend-relocation-hosts-allow</c> entry.</summary>
    public static class HostsAllowEntry
    {
        private const string WhatIsAllowed =
            "Give a host name (dom0-b.lab), an IPv4 or IPv6 address, or a regular expression that starts with ^ or ends with $ (^192\\.0\\.100\\.[0-9]+$).";

        /// <summary>
        /// The entry for <paramref name="value"/>:
        /// <list type="bullet">
        /// <item>a value that starts with <c>^</c> or ends with <c>$</c> is a regular expression and is kept as it is, once it
        /// is known to compile and to mean the same to xend's Python <c>re</c> as here;</item>
        /// <item>anything else must be a host name (RFC 1123) or an IP address, and becomes an anchored, escaped expression:
        /// <c>dom0-a.lab</c> gives <c>^dom0-a\.lab$</c>. IPv6 addresses are written in their short form. xend compares
        /// case-sensitively, so write the name as the peer's reverse lookup spells it.</item>
        /// </list>
        /// Entries are separated by spaces and written in quotes, so none may hold whitespace or quotes.
        /// </summary>
        /// <exception cref="ArgumentException">The value is none of these; the message says what is allowed.</exception>
        public static string FromUserInput(string value)
        {
            if (value is null) throw new ArgumentNullException(nameof(value));
            var entry = TryFromUserInput(value, out var problem);
            return entry ?? throw new ArgumentException($"'{value}' cannot be a relocation hosts-allow entry: {problem}. {WhatIsAllowed}", nameof(value));
        }

        /// <summary>
        /// True when <paramref name="entry"/> (an entry of the file) is what the user named in <paramref name="userInput"/>:
        /// the same pattern, or the pattern <see cref="FromUserInput"/> makes of it.
        /// </summary>
        public static bool Matches(string entry, string userInput) =>
            entry == userInput || entry == TryFromUserInput(userInput, out _);

        private static string? TryFromUserInput(string value, out string? problem)
        {
            problem = value.Length == 0 ? "it is empty"
                : value.Any(c => char.IsWhiteSpace(c) || c == '\'' || c == '"') ? "it holds whitespace or a quote"
                : null;
            if (problem != null) return null;
            if (value.StartsWith("^", StringComparison.Ordinal) || value.EndsWith("$", StringComparison.Ordinal))
            {
                try
                {
                    PythonRegex.Compile(value);
                    return value;
                }
                catch (ArgumentException e)
                {
                    problem = e.Message.TrimEnd('.');
                    return null;
                }
            }
            if (HostNames.IsIPv4(value)) return Anchor(value);
            if (HostNames.IsIPv6(value)) return Anchor(IPAddress.Parse(value).ToString());
            problem = HostNames.NameProblem(value);
            return problem == null ? Anchor(value) : null;
        }

        private static string Anchor(string hostOrAddress) => "^" + hostOrAddress.Replace(".", "\\.") + "$";
    }
}
