using System.Linq;
using CsCheck;
using XenPS.Core.Migration;
using XenPS.Core.Parsing;
using XenPS.Core.Relocation;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Fuzz
{
    /// <summary>
    /// The readers of command output outside the parsers: MigrationOutput and the poll of a remote migration job (<c>xl migrate</c>,
    /// <c>xm migrate</c>), ListenerTable (<c>/proc/net/tcp</c>) and ProbeOutput (the probe scripts' <c>key=value</c> lines).
    /// </summary>
    public class OutputReaderFuzzTests
    {
        private static readonly string[] MigrationVocabulary =
        {
            "xc: progress:", "xc: info:", "libxl: error:", "libxl: debug:", "Usage:", "migration target:", "migration sender:",
            "Domain state is now undefined", "rc:", "ended", "gone", "running", "100%", "50%", "%",
        };

        /// <summary>No /proc/net/tcp is among the captures: one in the kernel's layout, as ListenerTableTests has it.</summary>
        private static readonly string[] ProcNetTcp =
        {
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
            "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 15642 1 0000000000000000 100 0 0 10 0\n" +
            "   1: 0264000A:0016 0164000A:D3A2 01 00000000:00000000 02:0008D5D1 00000000     0        0 25533 4 0000000000000000 20 4 31 10 -1\n",
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
            "   0: 0000000000000000FFFF00000264000A:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17002 1 0000000000000000 100 0 0 10 0\n",
        };

        private static readonly Gen<string> MigrationText = FuzzInput.Hostile(FuzzInput.Captures("xl-migrate*.txt"), MigrationVocabulary, FuzzInput.AllBrackets);

        [Fact]
        public void MigrationOutputAlwaysReads()
        {
            ParserContract.Holds(Gen.Select(MigrationText, Gen.Int), input =>
            {
                var lines = input.Item1.Split('\n');
                return (Percent: MigrationOutput.LastPercent(lines), Status: MigrationOutput.LastStatusLine(lines), Failure: MigrationOutput.FailureLines(input.Item1),
                    Undefined: MigrationOutput.StateUndefined(input.Item1), Exit: MigrationOutput.ExitText("xl migrate", input.Item2));
            }, read =>
            {
                Assert.InRange(read.Percent ?? 0, 0, 100);
                Assert.InRange(read.Failure.Count, 0, MigrationOutput.MaxFailureLines + 1);
                Assert.StartsWith("xl migrate ", read.Exit);
            }, 4000, input => $"{FuzzInput.Show(input.Item1)}, exit status {input.Item2}", mayRefuse: false);
        }

        [Fact]
        public void AJobPollAlwaysReads()
        {
            var polls = FuzzInput.Hostile(FuzzInput.Captures("xl-migrate*.txt").Select(log => "rc:0\n" + log).Append("ended\n").Append("gone\n").ToList(), MigrationVocabulary, FuzzInput.AllBrackets);
            ParserContract.Holds(polls, RemoteMigrationJob.ParsePoll, poll =>
            {
                Assert.NotNull(poll.NewOutput);
                Assert.False(poll.Gone && poll.ExitCode != null);
            }, 1500, mayRefuse: false);
        }

        [Fact]
        public void ListenerTablesGiveListenersOrRefuse()
        {
            var tables = FuzzInput.Hostile(ProcNetTcp, new[] { "sl", "local_address", "0A", "01", "0100007F:1F42", "00000000:0016", "0:", "1:" }, FuzzInput.AllBrackets);
            ParserContract.Holds(Gen.Select(tables, tables), input => ListenerTable.Parse(input.Item1, input.Item2), listeners => Assert.All(listeners, listener =>
            {
                Assert.InRange(listener.Port, 0, 65535);
                Assert.True(System.Net.IPAddress.TryParse(listener.Address, out _), listener.Address);
            }), 1500, input => $"tcp {FuzzInput.Show(input.Item1)}, tcp6 {FuzzInput.Show(input.Item2)}");
        }

        [Fact]
        public void ProbeOutputAlwaysReads()
        {
            var texts = FuzzInput.Hostile(FuzzInput.Captures("xl-info.*.txt").Select(info => info.Replace(" : ", "=")).ToList(), new[] { "key=value", "=", "==", "free_memory=", "\r\n" }, FuzzInput.AllBrackets);
            ParserContract.Holds(texts, text => (Values: KeyValueLines.Parse(text), Line: ProbeOutput.OneLine(text)), read =>
            {
                Assert.All(read.Values.Keys, key => Assert.DoesNotContain('=', key));
                Assert.InRange(read.Line.Length, 0, 300);
            }, 1500, mayRefuse: false);
        }
    }
}
