using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.Versioning;
using System.Text;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;
using Xunit;

namespace XenPS.Tests.Sessions
{
    [UnsupportedOSPlatform("windows")]
    public sealed class ToolstackDetectorTests : IDisposable
    {
        private const string M = "@@xenps-0123456789abcdef01234567@@probe";
        private const string XmInfo = "xm-info.xen-4.0.1-debian-ganeti.txt";
        private const string XlInfo = "xl-info.xen-4.17.7-debian12-x86_64-qemu.txt";
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void XmOnlyWithXendRunningIsXm()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "", "running", "xm", ReferenceSamples.Read(XmInfo)), "dom0-a", M);

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.Equal(new[] { Toolstack.Xm }, detection.Available);
            Assert.True(detection.XendRunning);
            Assert.Equal("4.0.1", detection.XenVersion);
            Assert.Equal(InfoParser.Parse(ReferenceSamples.Read(XmInfo)), detection.InfoLines);
        }

        [Fact]
        public void XmOnlyWithXendStoppedIsXmWithAnUnknownVersion()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "", "stopped", "", null), "dom0-a", M);

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.False(detection.XendRunning);
            Assert.Equal("", detection.XenVersion);
            Assert.Empty(detection.InfoLines);
        }

        [Fact]
        public void XlOnlyIsXl()
        {
            var detection = ToolstackDetector.Interpret(Probe("", "/usr/sbin/xl", "stopped", "xl", ReferenceSamples.Read(XlInfo)), "dom0-a", M);

            Assert.Equal(Toolstack.Xl, detection.Toolstack);
            Assert.Equal(new[] { Toolstack.Xl }, detection.Available);
            Assert.Equal("4.17.7", detection.XenVersion);
        }

        [Fact]
        public void BothWithXendRunningIsXm()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "/usr/sbin/xl", "running", "xm", ReferenceSamples.Read(XmInfo)), "dom0-a", M);

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.Equal(new[] { Toolstack.Xm, Toolstack.Xl }, detection.Available);
            Assert.Equal("4.0.1", detection.XenVersion);
        }

        [Fact]
        public void BothWithXendStoppedIsXl()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "/usr/sbin/xl", "stopped", "xl", ReferenceSamples.Read(XlInfo)), "dom0-a", M);

            Assert.Equal(Toolstack.Xl, detection.Toolstack);
            Assert.False(detection.XendRunning);
            Assert.Equal("4.17.7", detection.XenVersion);
        }

        [Fact]
        public void NeitherIsNotAXenHost()
        {
            var error = Assert.Throws<XenSessionException>(() => ToolstackDetector.Interpret(Probe("", "", "stopped", "", null), "web1", M));

            Assert.Equal(XenSessionErrorId.NotXenHost, error.ErrorId);
            Assert.StartsWith("web1 is not a Xen dom0: neither xm nor xl is on the PATH", error.Message);
        }

        [Fact]
        public void OutputWithoutTheProbeMarkersIsAFailedProbe()
        {
            var error = Assert.Throws<XenSessionException>(() => ToolstackDetector.Interpret("Welcome to dom0-a\n", "dom0-a", M));

            Assert.Equal(XenSessionErrorId.ProbeFailed, error.ErrorId);
        }

        [Fact]
        public void LinesAroundTheMarkersAreIgnored()
        {
            var output = "Welcome\nhost : not-info\n" + Probe("", "/usr/sbin/xl", "stopped", "xl", "xen_major : 4\nxen_minor : 19\nxen_extra : .0", 0) + "trailing : noise\n";

            var detection = ToolstackDetector.Interpret(output, "dom0-a", M);

            Assert.Equal("4.19.0", detection.XenVersion);
            Assert.Equal(3, detection.InfoLines.Count);
        }

        [Theory]
        [InlineData(true, false, true, Toolstack.Xm, "4.0.1")]
        [InlineData(true, false, false, Toolstack.Xm, "")]
        [InlineData(false, true, false, Toolstack.Xl, "4.17.7")]
        [InlineData(true, true, true, Toolstack.Xm, "4.0.1")]
        [InlineData(true, true, false, Toolstack.Xl, "4.17.7")]
        public void TheProbeScriptRunBySh(bool hasXm, bool hasXl, bool xendRunning, Toolstack expected, string version)
        {
            var bin = Path.Combine(_temp.Path, "bin");
            Directory.CreateDirectory(bin);
            if (hasXm)
            {
                Tool("xm", $"[ \"$1\" = info ] && cat '{Path.Combine(ReferenceSamples.Directory, XmInfo)}'");
                Tool("xend", $"[ \"$1\" = status ] && exit {(xendRunning ? 0 : 3)}");
            }
            if (hasXl) Tool("xl", $"[ \"$1\" = info ] && cat '{Path.Combine(ReferenceSamples.Directory, XlInfo)}'");

            var detection = ToolstackDetector.Interpret(RunProbe(bin), "dom0-a", M);

            Assert.Equal(expected, detection.Toolstack);
            Assert.Equal(xendRunning, detection.XendRunning);
            Assert.Equal(version, detection.XenVersion);
        }

        [Fact]
        public void MarkerLinesThatAToolPrintsAreNotTakenForResults()
        {
            var bin = Path.Combine(_temp.Path, "bin");
            Directory.CreateDirectory(bin);
            Tool("xm", $"[ \"$1\" = info ] && cat '{Path.Combine(ReferenceSamples.Directory, XmInfo)}' && " +
                "printf '%s\\n' '@@xenps-probe@@ xm=' '@@xenps-probe@@ xl=' '@@xenps-probe@@ xend=stopped' '@@xenps-ffffffffffffffffffffffff@@probe xm='");
            Tool("xend", "[ \"$1\" = status ]");

            var detection = ToolstackDetector.Interpret(RunProbe(bin), "dom0-a", M);

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.True(detection.XendRunning);
            Assert.Equal("4.0.1", detection.XenVersion);
        }

        private static string Probe(string xm, string xl, string xend, string info, string? infoText, int exitCode = 0) =>
            $"{M} xm={xm}\n{M} xl={xl}\n{M} xend={xend}\n{M} info={info}\n" + (info.Length > 0 ? $"{infoText}\n{M} end-info={exitCode}\n" : "");

        private void Tool(string name, string body)
        {
            var path = _temp.Write("bin/" + name, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        private static string RunProbe(string bin)
        {
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(ToolstackDetector.ProbeScript(M));
            start.Environment["PATH"] = bin + ":/usr/bin:/bin";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            return output;
        }
    }
}
