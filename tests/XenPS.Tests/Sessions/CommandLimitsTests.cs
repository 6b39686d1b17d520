using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public class CommandLimitsTests
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);

        /// <summary>The frame the processes below print the start line of, as the host's shell does before a command.</summary>
        private static readonly OutputFrame Frame = new OutputFrame("n0nce");

        [Fact]
        public void ACommandsOwnLimitWinsOverItsSessionsWhichWinsOverTheDefault()
        {
            Assert.Equal(TimeSpan.FromSeconds(300), CommandLimits.Timeout(null, null));
            Assert.Equal(TimeSpan.FromSeconds(20), CommandLimits.Timeout(null, TimeSpan.FromSeconds(20)));
            Assert.Equal(TimeSpan.FromSeconds(90), CommandLimits.Timeout(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(20)));
            Assert.Equal(16L * 1024 * 1024, CommandLimits.MaxOutputBytes(null, null));
            Assert.Equal(4096, CommandLimits.MaxOutputBytes(null, 4096));
            Assert.Equal(100, CommandLimits.MaxOutputBytes(100, 4096));
        }

        [Fact]
        public void AnInfiniteOrUntimeableLimitMeansNoLimit()
        {
            Assert.Null(CommandLimits.Timeout(null, Timeout.InfiniteTimeSpan));
            Assert.Null(CommandLimits.Timeout(null, TimeSpan.FromSeconds(int.MaxValue)));
        }

        [Fact]
        public void ACommandIsNamedByItsFirstLineEscapedAndShortened()
        {
            Assert.Equal("xl list -l", CommandLimits.Describe("\n  xl list -l\nsecond line"));
            Assert.Equal("xl list -l", CommandLimits.Describe(ShellQuote.Join("xl", "list", "-l")));
            Assert.Equal("cat 'a b' x", CommandLimits.Describe("'cat' 'a b' 'x'"));
            Assert.Equal("xl list \\x1b[2J", CommandLimits.Describe("xl list \u001b[2J"));
            var described = CommandLimits.Describe(new string('x', 500));
            Assert.Equal(100, described.Length);
            Assert.EndsWith("...", described);
            Assert.Equal("16 MiB", CommandLimits.DescribeBytes(16L * 1024 * 1024));
            Assert.Equal("300 s", CommandLimits.DescribeTime(TimeSpan.FromSeconds(300)));
        }

        [Fact]
        public void AnEndlessOutputStopsAtTheLimitAndTheRestIsDropped()
        {
            using var process = Start("sh", "-c", "echo n0nce; exec yes 0123456789abcdef");
            var stops = 0;
            var output = new BoundedOutput(1024 * 1024, () =>
            {
                Interlocked.Increment(ref stops);
                process.Kill();
            });

            var text = output.Read(process.StandardOutput.BaseStream, Utf8, Frame).Text;

            Assert.True(output.Exceeded);
            Assert.Equal(1, stops);
            Assert.InRange(text.Length, 1, 1024 * 1024);
            Assert.StartsWith("0123456789abcdef\n", text);
        }

        [Fact]
        public void OutputWithinTheLimitIsReadWholeWithMultiByteCharactersAcrossChunks()
        {
            var expected = string.Concat(Enumerable.Repeat("é€𝄞", 40000));
            using var process = Start("sh", "-c", "echo n0nce; yes 'é€𝄞' | head -n 40000 | tr -d '\\n'; printf '\\nn0nce 0\\n'");
            var output = new BoundedOutput(1024 * 1024, () => throw new InvalidOperationException("the limit was not reached"));

            var framed = output.Read(process.StandardOutput.BaseStream, Utf8, Frame);

            Assert.False(output.Exceeded);
            Assert.Equal(expected, framed.Text);
            Assert.Equal(0, framed.End.ExitStatus);
        }

        [Fact]
        public async Task StandardOutputAndErrorShareOneBudget()
        {
            using var process = Start("sh", "-c", "echo n0nce; echo n0nce >&2; head -c 600000 /dev/zero; head -c 600000 /dev/zero >&2");
            var output = new BoundedOutput(1000000, () => { });

            var stderr = output.ReadAsync(process.StandardError.BaseStream, Utf8, Frame);
            output.Read(process.StandardOutput.BaseStream, Utf8, Frame);
            await stderr;

            Assert.True(output.Exceeded);
        }

        [Fact]
        public void AStoppedScriptIsNamedByTheStepThatWasRunning()
        {
            var batch = new RemoteBatch("@@nonce").Add("env", "PATH=/bin").Add("list", "xl list").Add("long", "xl list -l");
            var partial = "\n@@nonce:begin:0\n\n@@nonce:end:0:0\n\n@@nonce:begin:1\nName ID\n\n@@nonce:end:1:0\n\n@@nonce:begin:2\n[ {";

            Assert.Equal(2, batch.Running(partial));
            Assert.Equal(0, batch.Running(""));
        }

        private static Process Start(string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            return Process.Start(start)!;
        }
    }
}
