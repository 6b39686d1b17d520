using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using System.Text;
using System.Threading.Tasks;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Tests.Sessions;
using Xunit;

namespace XenPS.Tests.Remote
{
    /// <summary>
    /// The framing of commands sent to one long-lived shell, run against a real /bin/sh on this machine that reads the frames from its
    /// standard input as the host's shell does.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    public sealed class OutputFrameTests : IDisposable
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private readonly Process shell;

        public OutputFrameTests()
        {
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            shell = Process.Start(start)!;
        }

        public void Dispose()
        {
            shell.StandardInput.Close();
            shell.WaitForExit();
            shell.Dispose();
        }

        [Fact]
        public void CommandsOneAfterTheOtherGiveEachItsOwnOutputAndExitStatus()
        {
            var first = Run("printf 'a\\nb\\n'; printf 'oops' >&2; exit 3");
            var second = Run("printf 'no newline at the end'");

            Assert.Equal(("a\nb\n", "oops", 3), first);
            Assert.Equal(("no newline at the end", "", 0), second);
        }

        [Fact]
        public void ACommandThatReadsItsInputReadsNothingAndTheNextCommandStillRuns()
        {
            var reader = Run("cat; echo read:$?");
            var next = Run("echo next");

            Assert.Equal(("read:0\n", "", 0), reader);
            Assert.Equal(("next\n", "", 0), next);
        }

        [Fact]
        public void LargeAndNonTextOutputArrivesWhole()
        {
            var large = Run("i=0; while [ $i -lt 20000 ]; do printf '%05d line of output\\n' $i; i=$((i+1)); done");
            var bytes = RunBytes("printf '\\000\\001\\377\\n\\n'");

            Assert.Equal(20000, large.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.EndsWith("19999 line of output\n", large.Stdout);
            Assert.Equal(new byte[] { 0, 1, 255, (byte)'\n', (byte)'\n' }, bytes);
        }

        [Fact]
        public void AHostileArgumentStaysDataThroughTheShell()
        {
            const string hostile = "a'; echo INJECTED; '\n$(echo INJECTED)`echo INJECTED`";
            var result = Run(ShellQuote.Join("printf", "[%s]", hostile));

            Assert.Equal(($"[{hostile}]", "", 0), result);
        }

        [Fact]
        public void WhatALeftoverBackgroundProcessPrintsBetweenCommandsIsNotTheNextCommandsOutput()
        {
            using var temp = new TempFolder();
            var go = temp.File("go");
            var done = temp.File("done");
            Run(ShellQuote.Join("sh", "-c", "while [ ! -e \"$1\" ]; do sleep 0.01; done; echo stray; echo stray >&2; : > \"$2\"", "sh", go, done) + " & exit 0");
            File.WriteAllText(go, "");
            while (!File.Exists(done)) System.Threading.Thread.Sleep(10);
            var next = Run("echo mine");

            Assert.Equal(("mine\n", "", 0), next);
        }

        [Fact]
        public void AStreamThatEndsBeforeTheStartLineTellsTheCommandNeverStarted()
        {
            var frame = new OutputFrame("n0nce");
            var content = new List<byte>();

            var end = frame.Read(new MemoryStream(Utf8.GetBytes("login banner\n")), (b, o, c) => content.AddRange(b.Skip(o).Take(c)));

            Assert.Equal(new FrameEnd(false, null), end);
            Assert.Empty(content);
        }

        [Fact]
        public void AStreamThatEndsInTheMiddleOfACommandKeepsWhatArrived()
        {
            var frame = new OutputFrame("n0nce");
            var content = new List<byte>();

            var end = frame.Read(new MemoryStream(Utf8.GetBytes("n0nce\npartial out")), (b, o, c) => content.AddRange(b.Skip(o).Take(c)));

            Assert.Equal(new FrameEnd(true, null), end);
            Assert.Equal("partial out", Utf8.GetString(content.ToArray()));
        }

        [Fact]
        public void MarkersSplitAcrossReadsAreFound()
        {
            var frame = new OutputFrame("n0nce");
            var content = new List<byte>();
            var stream = new OneByteAtATime(Utf8.GetBytes("stray n0nn0nce\nout\nn0nce\n x\nn0nce 42\nnext"));

            var end = frame.Read(stream, (b, o, c) => content.AddRange(b.Skip(o).Take(c)));

            Assert.Equal(new FrameEnd(true, 42), end);
            Assert.Equal("out\nn0nce\n x", Utf8.GetString(content.ToArray()));
        }

        [Theory]
        [InlineData("")]
        [InlineData("a;b")]
        [InlineData("a b")]
        [InlineData("é")]
        public void ANonceThatWouldNeedQuotingIsRefused(string nonce)
        {
            Assert.Throws<ArgumentException>(() => new OutputFrame(nonce));
        }

        [Fact]
        public void AMalformedEndLineIsAnError()
        {
            var frame = new OutputFrame("n0nce");

            Assert.Throws<IOException>(() => frame.Read(new MemoryStream(Utf8.GetBytes("n0nce\nout\nn0nce x\n")), (b, o, c) => { }));
        }

        /// <summary>A stream that gives one byte a read, as a slow channel may.</summary>
        private sealed class OneByteAtATime(byte[] bytes) : MemoryStream(bytes)
        {
            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
        }

        private (string Stdout, string Stderr, int ExitCode) Run(string command)
        {
            var frame = OutputFrame.New();
            var output = new BoundedOutput(long.MaxValue, () => { });
            var stdout = output.ReadAsync(shell.StandardOutput.BaseStream, Utf8, frame);
            var stderr = output.ReadAsync(shell.StandardError.BaseStream, Utf8, frame);
            Send(frame, command);
            Task.WaitAll(stdout, stderr);
            Assert.Equal(stdout.Result.End.ExitStatus, stderr.Result.End.ExitStatus);
            return (stdout.Result.Text, stderr.Result.Text, stdout.Result.End.ExitStatus!.Value);
        }

        private byte[] RunBytes(string command)
        {
            var frame = OutputFrame.New();
            var content = new List<byte>();
            var stderr = Task.Run(() => frame.Read(shell.StandardError.BaseStream, (b, o, c) => { }));
            Send(frame, command);
            var end = frame.Read(shell.StandardOutput.BaseStream, (b, o, c) => content.AddRange(b.Skip(o).Take(c)));
            stderr.Wait();
            Assert.Equal(0, end.ExitStatus);
            return content.ToArray();
        }

        private void Send(OutputFrame frame, string command)
        {
            var bytes = Utf8.GetBytes(frame.Wrap(SshRemoteShell.BuildCommandLine(command, sudo: false)));
            shell.StandardInput.BaseStream.Write(bytes, 0, bytes.Length);
            shell.StandardInput.BaseStream.Flush();
        }
    }
}
