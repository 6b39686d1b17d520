using XenPS.Core.Parsing;
using XenPS.Core.Relocation;
using Xunit;

namespace XenPS.Tests.Relocation
{
    public class ListenerTableTests
    {
        private const string Tcp =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     \n" +
            "   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 15642 1 0000000000000000 100 0 0 10 0                     \n" +
            "   1: 0100007F:1F42 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20811 1 0000000000000000 100 0 0 10 0                     \n" +
            "   2: 00000000:1F42 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20812 1 0000000000000000 100 0 0 10 0                     \n" +
            "   3: 0264000A:0016 0164000A:D3A2 01 00000000:00000000 02:0008D5D1 00000000     0        0 25533 4 0000000000000000 20 4 31 10 -1                    \n" +
            "   4: 0264000A:1F43 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20813 1 0000000000000000 100 0 0 10 0                     \n";

        private const string Tcp6 =
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
            "   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 15644 1 0000000000000000 100 0 0 10 0\n" +
            "   1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17001 1 0000000000000000 100 0 0 10 0\n" +
            "   2: 0000000000000000FFFF00000264000A:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17002 1 0000000000000000 100 0 0 10 0\n" +
            "   3: B80D01200000000000000000010000A0:0050 00000000000000000000000000000000:0000 06 00000000:00000000 03:00000000 00000000     0        0 0 3 0000000000000000\n";

        [Fact]
        public void ReadsTheListeningSocketsOfBothTables()
        {
            var listeners = ListenerTable.Parse(Tcp, Tcp6);

            Assert.Equal(
                new[]
                {
                    ("0.0.0.0", 22), ("127.0.0.1", 8002), ("0.0.0.0", 8002), ("10.0.100.2", 8003),
                    ("::", 22), ("::1", 631), ("::ffff:10.0.100.2", 9000),
                },
                listeners);
        }

        [Fact]
        public void NoTablesMeanNoListeners()
        {
            Assert.Empty(ListenerTable.Parse("", ""));
        }

        [Theory]
        [InlineData(8002, "", true)]
        [InlineData(8002, null, true)]
        [InlineData(8002, "10.0.100.2", true)]
        [InlineData(8002, "localhost", true)]
        [InlineData(8003, "10.0.100.2", true)]
        [InlineData(8003, "", true)]
        [InlineData(8003, "127.0.0.1", false)]
        [InlineData(9000, "10.0.100.2", true)]
        [InlineData(9000, "10.0.100.3", false)]
        [InlineData(22, "::1", true)]
        [InlineData(631, "127.0.0.1", false)]
        [InlineData(8004, "", false)]
        public void ListeningMeansAListenerOnThePortBoundToTheAddressOrToAll(int port, string? address, bool expected)
        {
            Assert.Equal(expected, ListenerTable.IsListening(ListenerTable.Parse(Tcp, Tcp6), port, address));
        }

        [Fact]
        public void ARowThatIsNotASocketIsReportedWithItsLine()
        {
            var e = Assert.Throws<XenParseException>(() => ListenerTable.Parse("  sl  local_address\n   0: 7F000001 00000000:0000 0A\n", ""));

            Assert.Contains("Line 2 of /proc/net/tcp", e.Message);
        }
    }
}
