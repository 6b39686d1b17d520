using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Readiness
{
    /// <summary>How a TCP connection from the source ended.</summary>
    internal enum ConnectOutcome
    {
        /// <summary>Connected and, for the relocation test, still open after the wait.</summary>
        Open,

        /// <summary>Connected, but the server closed the connection at once (xend's hosts-allow rejection).</summary>
        Closed,

        /// <summary>The connection was refused or the host is unreachable.</summary>
        Refused,

        /// <summary>No answer within the time limit.</summary>
        TimedOut,

        /// <summary>The test could not run: bash or timeout is missing on the source.</summary>
        Unavailable,
    }

    internal sealed class ConnectTest
    {
        /// <summary><c>ADDRESS:PORT</c> as tried.</summary>
        public string Target { get; set; } = "";

        public ConnectOutcome Outcome { get; set; }

        /// <summary>What the source printed about a failure, on one line.</summary>
        public string Message { get; set; } = "";
    }

    /// <summary>A non-interactive <c>ssh</c> from the source's root to the destination, the way xl migrate runs it.</summary>
    internal sealed class SshTest
    {
        /// <summary>The name or address given to ssh.</summary>
        public string Destination { get; set; } = "";

        public int ExitCode { get; set; }

        /// <summary>ssh's error output, on one line.</summary>
        public string Message { get; set; } = "";

        /// <summary>What the remote command printed (for xl: where the destination's non-interactive PATH finds xl).</summary>
        public string Output { get; set; } = "";

        /// <summary>ssh logged in (exit 255 is ssh's own failure; any other code is the remote command's).</summary>
        public bool LoggedIn => ExitCode != 255 && ExitCode != 124 && ExitCode != 127;
    }

    /// <summary>A timed transfer from the source to the destination.</summary>
    internal sealed class BandwidthSample
    {
        public long Bytes { get; set; }

        public double Seconds { get; set; }

        public double BytesPerSecond => Bytes / Seconds;
    }

    /// <summary>What the source's connection tests found.</summary>
    internal sealed class LinkFacts
    {
        /// <summary>Why the tests did not run or their answer never came.</summary>
        public string? Error { get; set; }

        /// <summary>The choice of the migration target; null when the tests did not run.</summary>
        public TargetChoice? Target { get; set; }

        /// <summary>Why no migration target works (every candidate tried), or null.</summary>
        public string? TargetError => Target?.Error;

        /// <summary>The source's TCP connection to the chosen target (xm: its relocation port; xl: its SSH port), from the choice.</summary>
        public ConnectTest? TargetPort => Target is { Target: MigrationTarget target, Chosen: TargetTry chosen }
            ? new ConnectTest
            {
                Target = $"{target.Address}:{target.Port}",
                Outcome = chosen.Outcome == "open" ? ConnectOutcome.Open : ConnectOutcome.Refused,
                Message = chosen.Message,
            }
            : null;

        /// <summary>xm: the hold test on the relocation port, which tells xend's hosts-allow rejection apart.</summary>
        public ConnectTest? RelocationPort { get; set; }

        public SshTest? Ssh { get; set; }

        public BandwidthSample? Bandwidth { get; set; }

        public string? BandwidthError { get; set; }
    }

    /// <summary>The connection tests to run from the source.</summary>
    internal sealed class LinkPlan
    {
        /// <summary>How the migration target is chosen; the tests below go to the chosen one.</summary>
        public TargetPlan Target { get; set; } = new TargetPlan();

        /// <summary>xm: test the relocation server with a held connection.</summary>
        public bool RelocationHold { get; set; }

        /// <summary>Test a non-interactive ssh login to the target (xl, or for the bandwidth measurement).</summary>
        public bool SshLogin { get; set; }

        /// <summary>The command run over that login: <c>command -v xl</c> for xl, <c>true</c> otherwise.</summary>
        public string SshCommand { get; set; } = "true";

        public bool MeasureBandwidth { get; set; }
    }

    /// <summary>
    /// The connection tests of the source's second round trip: first the choice of the migration target
    /// (<see cref="MigrationTargetProbe"/>), then, in the same script, the tests of the chosen target, in bash (for
    /// <c>/dev/tcp</c>) under <c>timeout</c>. Every value reaches the shell as a positional parameter or as the choice's
    /// own variables, never as script text.
    /// </summary>
    internal static class LinkProbe
    {
        /// <summary>Bytes sent by the bandwidth test at most (256 MiB), within <see cref="BandwidthSeconds"/>.</summary>
        public const int BandwidthMiB = 256;

        public const int BandwidthSeconds = 20;

        /// <summary>Connects, then waits half a second for the server to close: xend closes a rejected peer's connection at once and waits for a request from an admitted one.</summary>
        private const string HoldScript =
            "exec 3<>\"/dev/tcp/$1/$2\" || exit 3; if IFS= read -r -t 0.5 -u 3 line; then echo answered; elif [ $? -gt 128 ]; then echo open; else echo closed; fi";

        private const string SshOptions = "-o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=yes";

        /// <summary>Runs on the destination: counts what arrives and when (nanoseconds), so the ssh login is not timed.</summary>
        private const string ReceiveCommand = "a=$(date +%s%N); n=$(wc -c); b=$(date +%s%N); echo \"bytes=$n start=$a end=$b\"";

        private const string NoTarget = "echo 'no migration target' >&2; false";

        public static RemoteBatch AddSections(RemoteBatch batch, LinkPlan plan)
        {
            batch.Add("target", MigrationTargetProbe.Command(plan.Target));
            if (plan.RelocationHold)
            {
                batch.Add("relocation", WithTarget("timeout 10 bash -c " + ShellQuote.Quote(HoldScript) + " xenps \"$t_addr\" \"$t_port\""));
            }
            if (plan.SshLogin)
            {
                batch.Add("ssh", "x_ssh=255; " + WithTarget("timeout 20 " + Ssh("-n", ShellQuote.Quote(plan.SshCommand)) + "; x_ssh=$?; (exit $x_ssh)"));
                if (plan.MeasureBandwidth)
                {
                    batch.Add("bandwidth",
                        "case \"$x_ssh\" in 124|127|255) echo 'no ssh login to the destination' >&2; false;; *) " +
                        $"timeout {BandwidthSeconds} dd if=/dev/zero bs=1M count={BandwidthMiB} 2>/dev/null | " +
                        $"timeout {BandwidthSeconds + 20} " + Ssh("-o Compression=no", ShellQuote.Quote(ReceiveCommand)) + "; " +
                        "esac");
                }
            }
            return batch;
        }

        /// <summary>Reads the sections <see cref="AddSections"/> added; <paramref name="source"/> and <paramref name="destination"/> name the hosts in messages.</summary>
        public static LinkFacts Read(LinkPlan plan, IReadOnlyDictionary<string, RemoteResult> sections, string source, string destination)
        {
            var choice = MigrationTargetProbe.Read(plan.Target, sections["target"], source, destination);
            var facts = new LinkFacts { Target = choice };
            if (choice.Target is not MigrationTarget target) return facts;
            var at = $"{target.Address}:{target.Port}";
            if (plan.RelocationHold) facts.RelocationPort = ReadConnect(at, sections["relocation"]);
            if (plan.SshLogin)
            {
                var ssh = sections["ssh"];
                facts.Ssh = new SshTest
                {
                    Destination = target.Host,
                    ExitCode = ssh.ExitCode,
                    Message = ProbeOutput.OneLine(ssh.Stderr),
                    Output = ssh.Stdout.Trim(),
                };
                if (plan.MeasureBandwidth) ReadBandwidth(facts, sections["bandwidth"], source);
            }
            return facts;
        }

        /// <summary>Reads a connect test: 0 connected (and the hold test's word), 124 timeout, 126/127 a tool missing, else refused.</summary>
        internal static ConnectTest ReadConnect(string target, RemoteResult result)
        {
            var test = new ConnectTest { Target = target, Message = Reasons(result.Stderr) };
            test.Outcome = result.ExitCode switch
            {
                0 => result.Stdout.Trim() == "closed" ? ConnectOutcome.Closed : ConnectOutcome.Open,
                124 => ConnectOutcome.TimedOut,
                126 or 127 => ConnectOutcome.Unavailable,
                _ => ConnectOutcome.Refused,
            };
            return test;
        }

        internal static void ReadBandwidth(LinkFacts facts, RemoteResult result, string source)
        {
            var values = KeyValueLines.Parse(result.Stdout.Replace(' ', '\n'));
            if (result.ExitCode != 0)
            {
                facts.BandwidthError = ProbeOutput.Failure(source, "the timed transfer over ssh", result);
                return;
            }
            var bytes = Long(values.Get("bytes"));
            var start = Long(values.Get("start"));
            var end = Long(values.Get("end"));
            if (bytes is null || start is null || end is null || bytes <= 0 || end <= start)
            {
                facts.BandwidthError = $"The timed transfer printed no usable count and times ('{ProbeOutput.OneLine(result.Stdout)}'); the destination's date may not support %N.";
                return;
            }
            facts.Bandwidth = new BandwidthSample { Bytes = bytes.Value, Seconds = (end.Value - start.Value) / 1e9 };
        }

        /// <summary>
        /// The ssh that xl migrate runs (the chosen command, word-split as sh does, with globbing off) with BatchMode and known host
        /// keys only, plus <paramref name="options"/>, to the chosen target, running <paramref name="quotedCommand"/>.
        /// </summary>
        private static string Ssh(string options, string quotedCommand) =>
            "$t_ssh " + options + " " + SshOptions + " -- \"$t_host\" " + quotedCommand;

        /// <summary>Runs <paramref name="command"/> when a target was chosen, with globbing off for the ssh command's words.</summary>
        private static string WithTarget(string command) =>
            "if [ -n \"$t_host\" ]; then set -f; " + command + "; x_rc=$?; set +f; (exit $x_rc); else " + NoTarget + "; fi";

        /// <summary>
        /// The reasons bash or timeout printed, without the program and script prefixes, each once:
        /// <c>xenps: line 1: /dev/tcp/10.0.0.2/8002: Connection refused</c> gives <c>Connection refused</c>.
        /// </summary>
        internal static string Reasons(string stderr) => string.Join("; ", stderr
            .Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim())
            .Select(line => line.LastIndexOf(": ", StringComparison.Ordinal) is int colon && colon >= 0 ? line.Substring(colon + 2) : line)
            .Distinct(StringComparer.Ordinal));

        private static long? Long(string text) =>
            long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : (long?)null;
    }
}
