using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Relocation;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Readiness
{
    /// <summary>The checks of the way between the two dom0s: each a pure function of the measured facts.</summary>
    internal static class LinkChecks
    {
        /// <summary>
        /// A migration target works: the source resolves it and reaches it over TCP (xm: its relocation port, where a refusal
        /// is left to the Relocation check; xl: the SSH port of the source's own ssh for that name). The detail says which target
        /// was chosen and why.
        /// </summary>
        public static ReadinessCheck Network(HostFacts source, HostFacts destination, LinkFacts link)
        {
            var id = ReadinessCheckId.Network;
            if (link.Error is string problem) return CheckResult.NotChecked(id, problem);
            if (link.TargetError is string none)
            {
                return CheckResult.Fail(id, none,
                    $"Give -MigrationTarget with the name or address under which {source.Name} reaches {destination.Name} (on {source.Name}: 'getent hosts NAME', 'ip route get ADDRESS').");
            }
            var target = link.Target!.Target!;
            var test = link.TargetPort!;
            var chosen = $"Migration target {target} ({target.Reason})";
            if (link.Target.Chosen?.Outcome == "proxied")
            {
                return CheckResult.Pass(id, $"{chosen}: ssh on {source.Name} reaches it through its own proxy ({link.Target.Chosen.Message}), which the TCP test does not follow; SshTrust tests the login through it.");
            }
            if (test.Outcome == ConnectOutcome.Open) return CheckResult.Pass(id, $"{chosen}: {source.Name} reaches {test.Target} over TCP.");
            if (target.Toolstack.Implementation().UsesXend)
            {
                return CheckResult.Pass(id, $"{chosen}: {source.Name} reaches {target.Address}, which refuses port {target.Port} ({Reason(test)}; see Relocation).");
            }
            return CheckResult.Fail(id, $"{chosen}: {source.Name} reaches {target.Address}, but its SSH port {target.Port} refuses the connection ({Reason(test)}).",
                $"Check that sshd runs on {destination.Name} and listens on port {target.Port}, or give -MigrationTarget with the name under which {source.Name}'s ssh reaches it.");
        }

        /// <summary>
        /// For xm: the destination's xend relocation server is on, listens where the source connects, admits the source by
        /// xend's hosts-allow rule, and accepted a test connection from the source. An empty hosts-allow is a warning.
        /// </summary>
        public static ReadinessCheck Relocation(HostFacts source, HostFacts destination, string? sourceFqdn, LinkFacts link)
        {
            var id = ReadinessCheckId.Relocation;
            if (source.ToolstackProblem is string sourceProblem) return CheckResult.NotChecked(id, sourceProblem);
            if (!source.Tools.Assumed.UsesXend) return CheckResult.Skipped(id, $"{source.Tools.Assumed.Description} migrates over SSH (see SshTrust), not through xend's relocation server.");
            if (destination.Unavailable is string destinationProblem) return CheckResult.NotChecked(id, destinationProblem);
            if (destination.Tools.XmPath.Length == 0)
            {
                return CheckResult.Fail(id, $"{destination.Name} has no xm and no xend, so it cannot receive a domain from xend on {source.Name}.", "Run the same toolstack on both hosts.");
            }
            if (destination.Xend is null) return CheckResult.NotChecked(id, destination.XendError ?? $"{destination.Name}'s xend-config.sxp was not read.");
            var config = destination.Xend.Relocation;
            var d = destination.Name;
            var route = link.Target;
            var sourceAddress = route?.SourceAddress;
            var allowName = sourceFqdn != null && MigrationTargetProbe.IsHostOrAddress(sourceFqdn) ? sourceFqdn : sourceAddress ?? source.Name;
            var allowSource = $"Set-XendRelocation -ComputerName {d} -AddAllowedHost {allowName} -Restart";
            var restart = $"'/etc/init.d/xend restart' on {d}, so that xend reads xend-config.sxp.";
            var facts = new Findings();

            var enable = $"Set-XendRelocation -ComputerName {d} -Enabled -AddAllowedHost {allowName} -Restart";
            if (!config.FileExists)
            {
                facts.Fail($"{d} has no {config.Path}, so its xend runs with the built-in defaults: relocation server off.",
                    $"Create the file ('touch {config.Path}' as root on {d}, or restore your distribution's copy), then {enable}");
            }
            else if (!config.Server) facts.Fail($"xend-relocation-server is off in {d}'s {config.Path}.", enable);
            else facts.Note($"{d}'s xend-config.sxp has the relocation server on, port {config.Port}{(config.Address.Length > 0 ? ", address " + config.Address : "")}.");

            if (!destination.Tools.XendRunning) facts.Fail($"xend does not run on {d}.", $"'/etc/init.d/xend start' on {d}.");
            else if (config.Server) CheckListener(facts, destination, config, route?.Target?.Address, restart);

            var allowedByFile = CheckHostsAllow(facts, config, source.Name, sourceAddress, sourceFqdn, route, allowName, d);
            CheckConnection(facts, link, source.Name, d, allowedByFile, allowedByFile == true ? restart : allowSource);

            if (facts.Failed) return CheckResult.Fail(id, facts.Text, facts.Remedy);
            if (config.IsOpenToEveryone)
            {
                var why = XendHostsAllow.AdmitsEveryone(config.HostsAllow);
                return CheckResult.Warning(id, facts.Text + $" xend-relocation-hosts-allow {why}: {d} accepts domains from every host that reaches port {config.Port}, without authentication.", allowSource);
            }
            return CheckResult.Pass(id, facts.Text);
        }

        /// <summary>For xl: root on the source logs in to the destination with ssh non-interactively and finds xl there.</summary>
        public static ReadinessCheck SshTrust(HostFacts source, HostFacts destination, LinkFacts link)
        {
            var id = ReadinessCheckId.SshTrust;
            if (source.ToolstackProblem is string sourceProblem) return CheckResult.NotChecked(id, sourceProblem);
            if (!source.Tools.Assumed.MigratesOverSsh) return CheckResult.Skipped(id, $"{source.Tools.Assumed.Command} migrates through xend's relocation server; no SSH login between the dom0s is needed.");
            if (link.Error is string problem) return CheckResult.NotChecked(id, problem);
            if (link.TargetError != null) return CheckResult.NotChecked(id, "No migration target works (see Network).");
            var ssh = link.Ssh!;
            var s = source.Name;
            var command = $"ssh -o BatchMode=yes {ssh.Destination}";
            if (ssh.ExitCode == 0) return CheckResult.Pass(id, $"root on {s} logs in to {ssh.Destination} without a password ({command}) and finds xl there at {ssh.Output}.");
            if (ssh.LoggedIn)
            {
                return CheckResult.Fail(id,
                    $"root on {s} logs in to {ssh.Destination}, but a non-interactive session there finds no xl (xl migrate runs 'ssh {ssh.Destination} xl migrate-receive').",
                    $"Install xl in /usr/sbin or /usr/bin on {destination.Name}, or give root's SSH sessions there a PATH that holds it.");
            }
            var detail = $"root on {s} cannot log in to {ssh.Destination} non-interactively ({command}: " +
                (ssh.ExitCode == 124 ? "no answer within 20 s" : ssh.ExitCode == 127 ? "ssh is not installed" : $"exit {ssh.ExitCode}, {ssh.Message}") +
                "); xl migrate needs that login.";
            return CheckResult.Fail(id, detail, SshRemedy(ssh, s, destination.Name));
        }

        /// <summary>The timed transfer, when it was asked for; see <see cref="EstimatedDuration"/>.</summary>
        public static ReadinessCheck Bandwidth(bool requested, HostFacts source, HostFacts destination, LinkFacts link, XenDomain? domain)
        {
            var id = ReadinessCheckId.Bandwidth;
            if (!requested) return CheckResult.Skipped(id, "Not measured: no bandwidth measurement was asked for.");
            if (CheckResult.FirstProblem(source.ToolstackProblem, link.Error) is string problem) return CheckResult.NotChecked(id, problem);
            if (link.TargetError != null) return CheckResult.NotChecked(id, "No migration target works (see Network).");
            var ssh = link.Ssh!;
            if (!ssh.LoggedIn)
            {
                if (!source.Tools.Assumed.MigratesOverSsh)
                {
                    return CheckResult.Skipped(id, $"Not measured: xend's relocation port takes no test transfer, and root on {source.Name} cannot log in to {ssh.Destination} with ssh to time one ({ssh.Message}).");
                }
                return CheckResult.NotChecked(id, $"root on {source.Name} cannot log in to {ssh.Destination} with ssh (see SshTrust).");
            }
            if (link.BandwidthError is string error) return CheckResult.NotChecked(id, error);
            var sample = link.Bandwidth!;
            var detail = string.Format(CultureInfo.InvariantCulture, "{0:0.0} MiB went from {1} to {2} over ssh in {3:0.00} s: {4:0.0} MiB/s.",
                sample.Bytes / 1048576.0, source.Name, destination.Name, sample.Seconds, sample.BytesPerSecond / 1048576.0);
            if (source.Tools.Assumed.UsesXend) detail += " xend sends unencrypted over its relocation port, usually faster than ssh.";
            if (EstimatedDuration(domain, link) is TimeSpan duration)
            {
                detail += string.Format(CultureInfo.InvariantCulture, " {0} MiB of memory take about {1:0} s to send once.", domain!.MemoryMB, duration.TotalSeconds);
            }
            return CheckResult.Pass(id, detail);
        }

        /// <summary>The domain's memory divided by the measured rate; null without a measurement.</summary>
        public static TimeSpan? EstimatedDuration(XenDomain? domain, LinkFacts link) =>
            domain is null || link.Bandwidth is not BandwidthSample sample || sample.BytesPerSecond <= 0
                ? (TimeSpan?)null
                : TimeSpan.FromSeconds(domain.MemoryMB * 1048576.0 / sample.BytesPerSecond);

        private static void CheckListener(Findings facts, HostFacts destination, XendRelocationConfig config, string? destinationAddress, string restart)
        {
            if (destination.ListenersError is string error)
            {
                facts.Note($"Its listening sockets are unknown ({error}).");
                return;
            }
            if (ListenerTable.IsListening(destination.Listeners, config.Port, destinationAddress))
            {
                facts.Note($"xend listens on port {config.Port}.");
                return;
            }
            if (config.Address.Length > 0 && ListenerTable.IsListening(destination.Listeners, config.Port, null))
            {
                facts.Fail($"xend listens on port {config.Port} only at {config.Address}, not at {destinationAddress}, where the source connects.",
                    $"Set-XendRelocation -ComputerName {destination.Name} -Address '' -Restart");
                return;
            }
            facts.Fail($"Nothing listens on port {config.Port} of {destination.Name}: xend still runs with an older configuration.", restart);
        }

        /// <summary>Evaluates hosts-allow for the source; null when it could not be evaluated.</summary>
        private static bool? CheckHostsAllow(
            Findings facts, XendRelocationConfig config, string source, string? sourceAddress, string? sourceFqdn, TargetChoice? route, string allowName, string destination)
        {
            if (config.IsOpenToEveryone) return true;
            var list = $"xend-relocation-hosts-allow '{XendHostsAllow.Join(config.HostsAllow)}'";
            if (sourceAddress is null)
            {
                facts.Note(route?.Target is null
                    ? $"{list} was not evaluated: no migration target works (see Network)."
                    : $"{list} was not evaluated: {source}'s address towards {destination} is unknown ('ip route get' printed '{route.Route}').");
                return null;
            }
            var peer = sourceAddress + (sourceFqdn != null ? ", " + sourceFqdn : ", no name");
            try
            {
                if (XendHostsAllow.IsAllowed(config.HostsAllow, sourceAddress, sourceFqdn))
                {
                    facts.Note($"{list} admits {source} ({peer}).");
                    return true;
                }
                facts.Fail($"{list} admits neither {source}'s address {sourceAddress} nor its name as {destination} resolves it ({sourceFqdn ?? "none"}).",
                    $"Set-XendRelocation -ComputerName {destination} -AddAllowedHost {allowName} -Restart");
                return false;
            }
            catch (ArgumentException e)
            {
                var bad = config.HostsAllow.First(entry => !Compiles(entry));
                facts.Fail($"{list} holds an entry that xend cannot use: {e.Message}",
                    $"Set-XendRelocation -ComputerName {destination} -RemoveAllowedHost '{bad}' -AddAllowedHost {allowName} -Restart");
                return false;
            }
        }

        private static void CheckConnection(Findings facts, LinkFacts link, string source, string destination, bool? allowedByFile, string remedy)
        {
            if (link.Error is string error)
            {
                facts.Fail($"The connection test from {source} did not run: {error}", null);
                return;
            }
            if (link.TargetError != null)
            {
                facts.Fail($"No connection test from {source} ran: no migration target works (see Network).", null);
                return;
            }
            if (!(link.RelocationPort is ConnectTest test))
            {
                facts.Fail($"No connection test from {source} to the relocation port was run.", null);
                return;
            }
            switch (test.Outcome)
            {
                case ConnectOutcome.Open:
                    facts.Note($"A test connection from {source} to {test.Target} was accepted.");
                    break;
                case ConnectOutcome.Closed:
                    facts.Fail($"{destination}'s xend closed a test connection from {source} at once: it rejects {source}" +
                        (allowedByFile == true ? ", although xend-config.sxp admits it (xend runs with an older configuration)." : "."), remedy);
                    break;
                case ConnectOutcome.Unavailable:
                    facts.Fail($"{source} cannot run the connection test ({test.Message}); it needs bash and timeout.", null);
                    break;
                case ConnectOutcome.Refused or ConnectOutcome.TimedOut when facts.Failed:
                    facts.Note($"As expected then, {source} cannot connect to {test.Target} ({Reason(test)}).");
                    break;
                default:
                    facts.Fail($"{source} cannot connect to {test.Target}: {Reason(test)}.", $"Open TCP {test.Target} from {source} in the firewalls between the hosts.");
                    break;
            }
        }

        private static string? SshRemedy(SshTest ssh, string source, string destination)
        {
            var d = ssh.Destination;
            if (ssh.ExitCode == 124) return $"Check the routes and firewalls from {source} to {d}'s SSH port.";
            if (ssh.ExitCode == 127) return $"Install the OpenSSH client on {source}.";
            if (ssh.Message.Contains("Host key verification failed"))
            {
                return $"On {source}, record {destination}'s host key for root: 'ssh-keyscan {d} >> /root/.ssh/known_hosts', after comparing the fingerprint with 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' on {destination}.";
            }
            if (ssh.Message.Contains("Permission denied"))
            {
                return $"On {source}, give root a key that {destination} accepts: 'ssh-keygen -t ed25519' if root has none, then 'ssh-copy-id root@{d}'.";
            }
            if (ssh.Message.Contains("Could not resolve hostname")) return $"Make {d} resolvable on {source} (/etc/hosts or DNS).";
            return $"Run 'ssh -v {d} true' as root on {source} to see why the login fails.";
        }

        private static bool Compiles(string entry)
        {
            try
            {
                PythonRegex.Compile(entry);
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        private static string Reason(ConnectTest test) =>
            test.Outcome == ConnectOutcome.TimedOut ? "no answer in time" : test.Message.Length > 0 ? test.Message : "connection refused";

        /// <summary>Sentences of a check's detail, the failures first, with the first failure's remedy.</summary>
        private sealed class Findings
        {
            private readonly List<string> failures = new List<string>();
            private readonly List<string> notes = new List<string>();

            public bool Failed => failures.Count > 0;

            public string? Remedy { get; private set; }

            public string Text => string.Join(" ", failures.Concat(notes));

            public void Fail(string sentence, string? remedy)
            {
                failures.Add(sentence);
                Remedy ??= remedy;
            }

            public void Note(string sentence) => notes.Add(sentence);
        }
    }
}
