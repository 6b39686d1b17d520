using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>One name or address that may lead from the source to the destination, and where it comes from.</summary>
    internal sealed record TargetCandidate(string Host, MigrationTargetOrigin Origin);

    /// <summary>What the destination says about itself: its own host name and addresses.</summary>
    internal sealed class DestinationIdentity
    {
        public string HostName { get; set; } = "";

        public IReadOnlyList<string> Addresses { get; set; } = Array.Empty<string>();
    }

    /// <summary>How one candidate fared on the source.</summary>
    internal sealed class TargetTry
    {
        public TargetCandidate Candidate { get; set; } = new TargetCandidate("", MigrationTargetOrigin.Explicit);

        /// <summary>The host name the source's ssh uses for it (xl), else the candidate itself.</summary>
        public string Host { get; set; } = "";

        public string Address { get; set; } = "";

        public int? Port { get; set; }

        /// <summary>open, proxied (xl: the source's ssh goes through a proxy of its own), refused, timeout, unresolved, self, unavailable.</summary>
        public string Outcome { get; set; } = "";

        public string Message { get; set; } = "";
    }

    /// <summary>The outcome of the choice on the source.</summary>
    internal sealed class TargetChoice
    {
        /// <summary>The chosen target; null when none works.</summary>
        public MigrationTarget? Target { get; set; }

        /// <summary>The chosen candidate's TCP test.</summary>
        public TargetTry? Chosen { get; set; }

        public IReadOnlyList<TargetTry> Tries { get; set; } = Array.Empty<TargetTry>();

        /// <summary>Why no target was chosen, with every candidate tried and the parameter to give.</summary>
        public string? Error { get; set; }

        /// <summary>The source's own address on the route to the target (<c>ip route get</c>'s <c>src</c>).</summary>
        public string? SourceAddress { get; set; }

        /// <summary>What <c>ip route get</c> printed, on one line.</summary>
        public string Route { get; set; } = "";
    }

    /// <summary>The candidates and how to try them.</summary>
    internal sealed class TargetPlan
    {
        public Toolstack Toolstack { get; set; }

        /// <summary>xm: the relocation port to connect to.</summary>
        public int RelocationPort { get; set; } = XendRelocationConfig.DefaultPort;

        /// <summary>xl: the ssh command xl runs (<c>xl migrate -s</c>); null for ssh.</summary>
        public string? SshCommand { get; set; }

        public IReadOnlyList<TargetCandidate> Candidates { get; set; } = Array.Empty<TargetCandidate>();

        /// <summary>The user gave the target: a loopback or the source's own address is then taken as meant.</summary>
        public bool IsExplicit => Candidates.Count == 1 && Candidates[0].Origin == MigrationTargetOrigin.Explicit;
    }

    /// <summary>
    /// Chooses the migration target: the candidates in order (an explicit target alone; else, for xm, the destination's
    /// xend-relocation-address; the user's name for the destination; the destination's own host name; its own addresses),
    /// each tried from the source by <c>Scripts/migration-target.sh</c> in the source's own terms.
    /// </summary>
    internal static class MigrationTargetProbe
    {
        public const string Script = "migration-target.sh";

        /// <summary>The destination's sections that tell who it is: <c>uname -n</c> and its global addresses.</summary>
        public static RemoteBatch AddDestinationSections(RemoteBatch batch) => batch
            .Add("hostname", "uname -n")
            .Add("addresses", "ip -o addr show scope global 2>/dev/null; true");

        public static DestinationIdentity ReadDestination(IReadOnlyDictionary<string, RemoteResult> sections)
        {
            var addresses = new List<string>();
            var listing = sections.TryGetValue("addresses", out var section) ? section.Stdout : "";
            foreach (var line in listing.Split('\n'))
            {
                var words = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                for (var i = 0; i + 1 < words.Length; i++)
                {
                    if (words[i] != "inet" && words[i] != "inet6") continue;
                    var address = words[i + 1].Split('/')[0];
                    if (IsAddress(address) && !addresses.Contains(address)) addresses.Add(address);
                }
            }
            // IPv4 first: xend connects over IPv4 only, and an IPv4 address is what administrators write in hosts-allow.
            return new DestinationIdentity
            {
                HostName = sections.TryGetValue("hostname", out var name) && name.ExitCode == 0 ? name.Stdout.Trim() : "",
                Addresses = addresses.OrderBy(a => HostNames.IsIPv4(a) ? 0 : 1).ToList(),
            };
        }

        /// <summary>
        /// The candidates in order, without repeats; an explicit target is the only one. Values that are not a host name or an
        /// IP address are left out (they never reach a shell).
        /// </summary>
        public static IReadOnlyList<TargetCandidate> Candidates(
            string? explicitTarget, Toolstack toolstack, string? relocationAddress, string destinationName, DestinationIdentity? destination)
        {
            if (explicitTarget != null) return new[] { new TargetCandidate(explicitTarget, MigrationTargetOrigin.Explicit) };
            var list = new List<TargetCandidate>();
            void Add(string? host, MigrationTargetOrigin origin)
            {
                if (host is null || !IsHostOrAddress(host) || list.Any(c => string.Equals(c.Host, host, StringComparison.OrdinalIgnoreCase))) return;
                list.Add(new TargetCandidate(host, origin));
            }
            if (toolstack.Implementation().UsesXend && !string.IsNullOrEmpty(relocationAddress)) Add(relocationAddress, MigrationTargetOrigin.RelocationAddress);
            Add(destinationName, MigrationTargetOrigin.DestinationName);
            Add(destination?.HostName, MigrationTargetOrigin.DestinationHostName);
            foreach (var address in destination?.Addresses ?? Array.Empty<string>()) Add(address, MigrationTargetOrigin.DestinationAddress);
            return list;
        }

        /// <summary>The section that chooses; it leaves the choice in <c>t_host</c>, <c>t_addr</c> and <c>t_port</c> for later sections.</summary>
        public static string Command(TargetPlan plan) =>
            RemoteScripts.Call(Script, "xenps_target", new[]
            {
                plan.Toolstack.Implementation().Command,
                plan.RelocationPort.ToString(CultureInfo.InvariantCulture),
                plan.SshCommand ?? "",
                plan.IsExplicit ? "yes" : "no",
            }.Concat(plan.Candidates.Select(c => c.Host)).ToArray());

        /// <summary>Reads the section; <paramref name="source"/> and <paramref name="destination"/> name the hosts in the reason and the error.</summary>
        public static TargetChoice Read(TargetPlan plan, RemoteResult section, string source, string destination)
        {
            var values = KeyValueLines.Parse(section.Stdout);
            var tries = new List<TargetTry>();
            for (var i = 0; i < plan.Candidates.Count && values.ContainsKey(Key(i, "candidate")); i++)
            {
                tries.Add(new TargetTry
                {
                    Candidate = plan.Candidates[i],
                    Host = values.Get(Key(i, "host")),
                    Address = values.Get(Key(i, "address")),
                    Port = int.TryParse(values.Get(Key(i, "port")), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : (int?)null,
                    Outcome = values.Get(Key(i, "outcome")),
                    Message = values.Get(Key(i, "message")).Trim(),
                });
            }
            var choice = new TargetChoice { Tries = tries };
            if (plan.Candidates.Count == 0)
            {
                choice.Error = $"XenPS has no name or address of {destination} to try from {source}. Give -MigrationTarget with {destination}'s name or address as {source} reaches it.";
                return choice;
            }
            if (!int.TryParse(values.Get("chosen"), NumberStyles.None, CultureInfo.InvariantCulture, out var chosen) || chosen >= tries.Count)
            {
                var why = tries.Count == 0 ? ProbeOutput.Failure(source, "the choice of the migration target", section) : string.Join("; ", tries.Select(t => Describe(t, source)));
                choice.Error = plan.IsExplicit
                    ? $"The migration target {plan.Candidates[0].Host} does not work from {source}: {why}. Give -MigrationTarget with {destination}'s name or address as {source} reaches it."
                    : $"No way from {source} to {destination} was found: {why}. Give -MigrationTarget with {destination}'s name or address as {source} reaches it (for example its address on the migration network).";
                return choice;
            }
            var pick = tries[chosen];
            var route = values.Get("route").Trim();
            choice.Chosen = pick;
            choice.Route = route;
            choice.SourceAddress = RouteSource(route);
            var passed = tries.Take(chosen).Select(t => Describe(t, source)).ToList();
            choice.Target = new MigrationTarget
            {
                Host = pick.Candidate.Host,
                Address = pick.Address,
                Port = pick.Port ?? plan.Toolstack.Implementation().MigrationPort(plan.RelocationPort),
                Toolstack = plan.Toolstack,
                Origin = pick.Candidate.Origin,
                Reason = OriginText(pick.Candidate.Origin, destination) + (passed.Count == 0 ? "" : "; before it " + string.Join("; ", passed)),
            };
            return choice;
        }

        /// <summary>The origin in a few words, e.g. "dom0-b's own host name".</summary>
        public static string OriginText(MigrationTargetOrigin origin, string destination) => origin switch
        {
            MigrationTargetOrigin.Explicit => "given with -MigrationTarget",
            MigrationTargetOrigin.RelocationAddress => $"{destination}'s xend-relocation-address",
            MigrationTargetOrigin.DestinationName => "the name given for the destination",
            MigrationTargetOrigin.DestinationHostName => $"{destination}'s own host name",
            _ => $"an address of {destination}",
        };

        /// <summary>The address after <c>src</c> in <c>ip route get</c> output, when it is an IP address.</summary>
        internal static string? RouteSource(string route)
        {
            var words = route.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + 1 < words.Length; i++)
            {
                if (words[i] == "src" && IsAddress(words[i + 1])) return words[i + 1];
            }
            return null;
        }

        /// <summary>An IPv4 or IPv6 address literal.</summary>
        internal static bool IsAddress(string value) => HostNames.IsIPv4(value) || HostNames.IsIPv6(value);

        /// <summary>Safe to hand to getent, ssh, bash's /dev/tcp and the toolstacks: an RFC 1123 host name or an IP address.</summary>
        internal static bool IsHostOrAddress(string value) => MigrationTarget.ProblemWith(value) is null;

        private static string Describe(TargetTry t, string source)
        {
            var name = t.Candidate.Host;
            var via = t.Host.Length > 0 && !string.Equals(t.Host, name, StringComparison.OrdinalIgnoreCase) ? $" (ssh on {source} makes it {t.Host})" : "";
            var at = $"{t.Address}:{t.Port}";
            return t.Outcome switch
            {
                "unresolved" => $"{name}{via} does not resolve on {source}",
                "self" => $"{name}{via} is {source} itself there ({t.Address})",
                "open" => $"{name}{via} accepts TCP at {at}",
                "proxied" => $"{name}{via} is reached by ssh on {source} through its proxy {t.Message}",
                "refused" => $"{name}{via} refuses TCP at {at}" + (t.Message.Length > 0 ? $" ({t.Message})" : ""),
                "timeout" => $"{name}{via} does not answer at {at} within 5 s",
                "unavailable" => $"{name}: {source} cannot run the test ({t.Message}); it needs bash and timeout",
                _ => $"{name}: {t.Outcome} {t.Message}".Trim(),
            };
        }

        private static string Key(int index, string name) => index.ToString(CultureInfo.InvariantCulture) + "." + name;
    }
}
