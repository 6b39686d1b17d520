using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Relocation;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>
    /// What one round trip read on a dom0. A part that could not be read has its error set (and its value left empty);
    /// <see cref="Error"/> means nothing could be read at all.
    /// </summary>
    internal sealed class HostFacts
    {
        /// <summary>The host as the user named it.</summary>
        public string Name { get; set; } = "";

        /// <summary>Why the host could not be queried at all (no session, connection lost, probe failed).</summary>
        public string? Error { get; set; }

        public ToolFacts Tools { get; set; } = new ToolFacts();

        /// <summary>Xen build, memory, CPU and bridges; each part valid unless its error below is set.</summary>
        public XenHost Host { get; set; } = new XenHost();

        public string? InfoError { get; set; }

        public string? CpuError { get; set; }

        public string? BridgesError { get; set; }

        public IReadOnlyList<XenDomain> Domains { get; set; } = Array.Empty<XenDomain>();

        public string? DomainsError { get; set; }

        /// <summary>The destination's migration receive processes; null where not read (the source) or unreadable.</summary>
        public IReadOnlyList<ReceiveProcess>? Receivers { get; set; }

        /// <summary>The destination's xend settings; null where not read (the source, an xl host, an unreadable file).</summary>
        public XendSettings? Xend { get; set; }

        public string? XendError { get; set; }

        /// <summary>The destination's listening TCP sockets.</summary>
        public IReadOnlyList<(string Address, int Port)> Listeners { get; set; } = Array.Empty<(string, int)>();

        public string? ListenersError { get; set; }

        /// <summary>The destination's own host name and addresses, candidates for the migration target; null where not read.</summary>
        public DestinationIdentity? Identity { get; set; }

        /// <summary>Why nothing from this host is known, in a few words for the checks that depend on it; null when it answered.</summary>
        public string? Unavailable => Error is null ? null : $"{Name} could not be queried (see HostsReachable).";

        /// <summary>Why the info facts are missing, or null.</summary>
        public string? InfoProblem => Unavailable ?? InfoError;

        public string? CpuProblem => Unavailable ?? CpuError;

        public string? BridgesProblem => Unavailable ?? BridgesError;

        public string? DomainsProblem => Unavailable ?? DomainsError;

        /// <summary>Why the host has no toolstack to use, or null.</summary>
        public string? ToolstackProblem => Unavailable ?? (Tools.Toolstack is null ? $"{Name} has neither xm nor xl (see HostsReachable)." : null);

        /// <summary>A host that could not be queried.</summary>
        public static HostFacts Unreachable(string name, string error) => new HostFacts { Name = name, Error = error };
    }
}
