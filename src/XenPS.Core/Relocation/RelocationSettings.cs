using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Text;

namespace XenPS.Core.Relocation
{
    /// <summary>
    /// Reads and changes the relocation settings of <c>xend-config.sxp</c> the way xend reads them
    /// (<c>XendOptions.py</c>): the first active element of each key counts; an absent key, or one without a value, takes
    /// xend's default (server no, port 8002, address '' = every interface, hosts-allow '' = every host, ssl-server no,
    /// ssl-port 8003); yes/no values are <c>yes y 1 on true t</c> and <c>no n 0 off false f</c> in any case; ports are
    /// decimal integers.
    /// </summary>
    public static class RelocationSettings
    {
        public const string ServerKey = "xend-relocation-server";
        public const string PortKey = "xend-relocation-port";
        public const string AddressKey = "xend-relocation-address";
        public const string HostsAllowKey = "xend-relocation-hosts-allow";
        public const string SslServerKey = "xend-relocation-ssl-server";
        public const string SslPortKey = "xend-relocation-ssl-port";

        /// <summary>dom0's ballooning, which decides what a destination can give an incoming domain (<see cref="XendSettings"/>).</summary>
        public const string Dom0MinMemKey = "dom0-min-mem";
        public const string Dom0BallooningKey = "enable-dom0-ballooning";

        private static readonly string[] TrueWords = { "yes", "y", "1", "on", "true", "t" };
        private static readonly string[] FalseWords = { "no", "n", "0", "off", "false", "f" };

        /// <summary>The relocation settings xend uses with this file, defaults applied. The host facts are left for the caller.</summary>
        /// <exception cref="XenParseException">A relocation value is one xend refuses (e.g. <c>(xend-relocation-port abc)</c>); the message names the line.</exception>
        public static XendRelocationConfig Read(SxpDocument document)
        {
            if (document is null) throw new ArgumentNullException(nameof(document));
            return new XendRelocationConfig
            {
                Server = ReadBool(document, ServerKey, false),
                Port = ReadInt(document, PortKey, XendRelocationConfig.DefaultPort),
                Address = ReadString(document, AddressKey) ?? "",
                HostsAllow = XendHostsAllow.Split(ReadString(document, HostsAllowKey) ?? ""),
                SslServer = ReadBool(document, SslServerKey, false),
                SslPort = ReadInt(document, SslPortKey, XendRelocationConfig.DefaultSslPort),
            };
        }

        /// <summary>
        /// The document with <paramref name="edit"/> applied. Only keys whose effective value (defaults included) changes are
        /// written, so an edit that changes nothing returns the same text: setting port 8002 in a file without a port line adds
        /// no line, and since the server is off by default, switching it on always writes an explicit
        /// <c>(xend-relocation-server yes)</c>. Server and port are written bare, address and hosts-allow single-quoted.
        /// Hosts-allow is built in order: <see cref="RelocationEdit.HostsAllow"/> replaces the list, then
        /// <see cref="RelocationEdit.AddAllowedHost"/> adds, then <see cref="RelocationEdit.RemoveAllowedHost"/> removes;
        /// a rewritten list drops empty entries (doubled spaces).
        /// </summary>
        /// <exception cref="ArgumentException">
        /// A value is invalid, or the removals would empty a restricted list (an empty list admits every host: set
        /// <see cref="RelocationEdit.HostsAllow"/> to an empty array to ask for that).
        /// </exception>
        /// <exception cref="XenSessionException">
        /// <see cref="XenSessionErrorId.AllowedHostNotFound"/>: an entry to remove is not in the list; the message names it
        /// and lists the entries. Nothing of the edit is applied.
        /// </exception>
        public static SxpDocument Apply(SxpDocument document, RelocationEdit edit)
        {
            if (document is null) throw new ArgumentNullException(nameof(document));
            if (edit is null) throw new ArgumentNullException(nameof(edit));
            var current = Read(document);
            var result = document;
            if (edit.Enabled is bool enabled && enabled != current.Server)
            {
                result = result.WithValue(ServerKey, enabled ? "yes" : "no", SxpValueStyle.Bare);
            }
            if (edit.Port is int port)
            {
                if (port < 1 || port > 65535) throw new ArgumentException($"The relocation port must be between 1 and 65535, not {port}.", nameof(edit));
                if (port != current.Port) result = result.WithValue(PortKey, port.ToString(CultureInfo.InvariantCulture), SxpValueStyle.Bare);
            }
            if (edit.Address != null && edit.Address != current.Address)
            {
                CheckAddress(edit.Address);
                result = result.WithValue(AddressKey, edit.Address, SxpValueStyle.SingleQuoted);
            }
            var hosts = EditHostsAllow(current.HostsAllow, edit);
            if (hosts != null && !hosts.SequenceEqual(current.HostsAllow))
            {
                result = result.WithValue(HostsAllowKey, XendHostsAllow.Join(hosts), SxpValueStyle.SingleQuoted);
            }
            return result;
        }

        private static List<string>? EditHostsAllow(string[] current, RelocationEdit edit)
        {
            if (edit.HostsAllow == null && edit.AddAllowedHost == null && edit.RemoveAllowedHost == null) return null;
            var hosts = (edit.HostsAllow?.Select(HostsAllowEntry.FromUserInput) ?? current.Where(e => e.Length > 0)).ToList();
            foreach (var entry in (edit.AddAllowedHost ?? Array.Empty<string>()).Select(HostsAllowEntry.FromUserInput))
            {
                if (!hosts.Contains(entry)) hosts.Add(entry);
            }
            var wasRestricted = hosts.Count > 0;
            var absent = (edit.RemoveAllowedHost ?? Array.Empty<string>()).Where(remove => !hosts.Any(entry => HostsAllowEntry.Matches(entry, remove))).ToList();
            if (absent.Count > 0)
            {
                var present = current.All(e => e.Length == 0) ? "it is empty" : "it holds " + string.Join(" ", current.Where(e => e.Length > 0).Select(e => $"'{e}'"));
                throw new XenSessionException(XenSessionErrorId.AllowedHostNotFound,
                    $"{string.Join(", ", absent.Select(a => $"'{a}'"))} {(absent.Count == 1 ? "is" : "are")} not in xend-relocation-hosts-allow: {present}. " +
                    "Nothing was changed. Give -RemoveAllowedHost an entry as Get-XendRelocation shows it, or the host name or address it was made from.");
            }
            foreach (var remove in edit.RemoveAllowedHost ?? Array.Empty<string>())
            {
                hosts.RemoveAll(entry => HostsAllowEntry.Matches(entry, remove));
            }
            if (wasRestricted && hosts.Count == 0)
            {
                throw new ArgumentException(
                    "Removing those entries would leave xend-relocation-hosts-allow empty, and an empty list lets every host migrate domains here. " +
                    "Add the host that should stay allowed in the same change, or set the list to empty explicitly to allow every host.",
                    nameof(edit));
            }
            return hosts.Distinct().ToList();
        }

        /// <summary>'' (every interface), an IPv4 address, or a host or interface name: xend's relocation server is IPv4 only.</summary>
        private static void CheckAddress(string address)
        {
            if (address.Length == 0 || HostNames.IsIPv4(address)) return;
            if (HostNames.IsIPv6(address))
            {
                throw new ArgumentException($"'{address}' is an IPv6 address, but xend's relocation server listens on IPv4 only. Give an IPv4 address, a host or interface name, or '' for every interface.", nameof(address));
            }
            if (address.Length > 253 || !address.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '-' || c == '_')))
            {
                throw new ArgumentException($"'{address}' cannot be a relocation address. Give an IPv4 address, a host name, an interface name (letters, digits, '.', '-', '_') or '' for every interface.", nameof(address));
            }
        }

        /// <summary>The atom of the first active element named <paramref name="key"/>; null when absent or without a value.</summary>
        private static string? ReadString(SxpDocument document, string key)
        {
            var setting = document.GetSetting(key);
            if (setting == null || setting.Node.Items.Count < 2) return null;
            return setting.Value ?? throw Invalid(setting, "has a list where xend expects a single value", $"Write ({key} value) with one value.");
        }

        internal static bool ReadBool(SxpDocument document, string key, bool defaultValue)
        {
            var text = ReadString(document, key);
            if (text == null) return defaultValue;
            var word = text.ToLowerInvariant();
            if (TrueWords.Contains(word)) return true;
            if (FalseWords.Contains(word)) return false;
            throw Invalid(document.GetSetting(key)!, "is not a yes/no value", $"Write ({key} yes) or ({key} no).");
        }

        internal static int ReadInt(SxpDocument document, string key, int defaultValue)
        {
            var text = ReadString(document, key);
            if (text == null) return defaultValue;
            const NumberStyles pythonInt = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;
            if (int.TryParse(text, pythonInt, CultureInfo.InvariantCulture, out var value)) return value;
            throw Invalid(document.GetSetting(key)!, "is not a decimal number", $"Write the port number, e.g. ({key} {defaultValue}).");
        }

        private static XenParseException Invalid(SxpDocumentSetting setting, string problem, string fix) =>
            new XenParseException($"Line {setting.Line} of xend-config.sxp, {setting.Text}, {problem}, which xend cannot use. {fix}");
    }
}
