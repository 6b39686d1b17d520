using XenPS.Core.Text;

namespace XenPS.Core.Model
{
    /// <summary>
    /// How the source dom0 reaches the destination for a migration: the name or address given to the toolstack on the
    /// source, and where that leads from there. For xm it is the destination's relocation server; for xl it is what the
    /// source's own ssh makes of the name (its ssh_config and known_hosts). The client's view of the destination (its ssh
    /// alias, HostName and Port) never takes part.
    /// </summary>
    public sealed class MigrationTarget
    {
        /// <summary>The name or address as the source's toolstack gets it (<c>xm migrate DOM HOST</c>, <c>xl migrate DOM HOST</c>).</summary>
        public string Host { get; set; } = "";

        /// <summary>The address the source resolved it to.</summary>
        public string Address { get; set; } = "";

        /// <summary>xm: the relocation port; xl: the SSH port of the source's ssh for <see cref="Host"/>.</summary>
        public int Port { get; set; }

        public Toolstack Toolstack { get; set; }

        public MigrationTargetOrigin Origin { get; set; }

        /// <summary>Why this one: the origin in words, and the candidates before it that did not work.</summary>
        public string Reason { get; set; } = "";

        /// <summary>
        /// Null when <paramref name="value"/> can be a migration target (an IP address or an RFC 1123 host name, without a port);
        /// otherwise what is wrong with it, as the end of a sentence that names the value.
        /// </summary>
        public static string? ProblemWith(string value)
        {
            if (value.Length == 0) return "is empty";
            if (HostNames.IsIPv4(value) || HostNames.IsIPv6(value) || HostNames.NameProblem(value) == null) return null;
            return $"'{VisibleText.Shorten(value)}' is neither an IP address nor a host name (letters, digits, hyphens and dots; no leading hyphen, no port)";
        }

        /// <summary><c>HOST:PORT</c> (IPv6 addresses in brackets).</summary>
        public override string ToString() =>
            (Host.IndexOf(':') >= 0 ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
    }
}
