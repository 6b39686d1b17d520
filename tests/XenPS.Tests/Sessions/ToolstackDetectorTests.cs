using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Toolstacks;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Sessions
{
    [UnsupportedOSPlatform("windows")]
    public sealed class ToolstackDetectorTests : IDisposable
    {
        private const string XmInfo = "xm-info.xen-4.0.1-debian-ganeti.txt";
        private const string XlInfo = "xl-info.xen-4.17.7-debian12-x86_64-qemu.txt";
        private readonly TempFolder _temp = new TempFolder();

        public void Dispose() => _temp.Dispose();

        [Fact]
        public void XmOnlyWithXendRunningIsXm()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "", "running", "xm", ReferenceSamples.Read(XmInfo)), "dom0-a");

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.Equal(new[] { Toolstack.Xm }, detection.Available);
            Assert.True(detection.XendRunning);
            Assert.Equal("4.0.1", detection.XenVersion);
            Assert.Equal(InfoParser.Parse(ReferenceSamples.Read(XmInfo)), detection.InfoLines);
        }

        [Fact]
        public void XmOnlyWithXendStoppedIsXmWithAnUnknownVersion()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "", "stopped", "xm", "Error: Unable to connect to xend. Is xend running?", 1), "dom0-a");

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.False(detection.XendRunning);
            Assert.Equal("", detection.XenVersion);
            Assert.Empty(detection.InfoLines);
        }

        [Fact]
        public void XlOnlyIsXl()
        {
            var detection = ToolstackDetector.Interpret(Probe("", "/usr/sbin/xl", "stopped", "xl", ReferenceSamples.Read(XlInfo)), "dom0-a");

            Assert.Equal(Toolstack.Xl, detection.Toolstack);
            Assert.Equal(new[] { Toolstack.Xl }, detection.Available);
            Assert.Equal("4.17.7", detection.XenVersion);
        }

        [Fact]
        public void BothWithXendRunningIsXm()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "/usr/sbin/xl", "running", "xm", ReferenceSamples.Read(XmInfo)), "dom0-a");

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.Equal(new[] { Toolstack.Xm, Toolstack.Xl }, detection.Available);
            Assert.Equal("4.0.1", detection.XenVersion);
        }

        [Fact]
        public void BothWithXendStoppedIsXl()
        {
            var detection = ToolstackDetector.Interpret(Probe("/usr/sbin/xm", "/usr/sbin/xl", "stopped", "xl", ReferenceSamples.Read(XlInfo)), "dom0-a");

            Assert.Equal(Toolstack.Xl, detection.Toolstack);
            Assert.False(detection.XendRunning);
            Assert.Equal("4.17.7", detection.XenVersion);
        }

        [Fact]
        public void NeitherIsNotAXenHost()
        {
            var error = Assert.Throws<XenSessionException>(() => ToolstackDetector.Interpret(Probe("", "", "stopped", "", null), "web1"));

            Assert.Equal(XenSessionErrorId.NotXenHost, error.ErrorId);
            Assert.StartsWith("web1 is not a Xen dom0: neither xm nor xl is on the PATH", error.Message);
        }

        [Fact]
        public async Task OutputWithoutTheBatchFramesIsAFailedProbe()
        {
            var error = await Assert.ThrowsAsync<XenSessionException>(() => ToolstackDetector.DetectAsync(new Greeter(), CancellationToken.None));

            Assert.Equal(XenSessionErrorId.ProbeFailed, error.ErrorId);
            Assert.StartsWith("The toolstack probe on dom0-a printed no result. Check that dom0-a has a POSIX sh and runs commands over SSH.", error.Message);
        }

        [Fact]
        public void AFailedInfoLeavesTheVersionUnknown()
        {
            var sections = Probe("/usr/sbin/xm", "", "running", "xm", "Error: Unable to connect to xend", 1);

            var detection = ToolstackDetector.Interpret(sections, "dom0-a");

            Assert.Equal("", detection.XenVersion);
            Assert.Empty(detection.InfoLines);
        }

        [Theory]
        [InlineData(true, false, true, Toolstack.Xm, "4.0.1")]
        [InlineData(true, false, false, Toolstack.Xm, "")]
        [InlineData(false, true, false, Toolstack.Xl, "4.17.7")]
        [InlineData(true, true, true, Toolstack.Xm, "4.0.1")]
        [InlineData(true, true, false, Toolstack.Xl, "4.17.7")]
        public async Task TheProbeRunBySh(bool hasXm, bool hasXl, bool xendRunning, Toolstack expected, string version)
        {
            var bin = Path.Combine(_temp.Path, "bin");
            Directory.CreateDirectory(bin);
            if (hasXm)
            {
                // As real xm does, xm info fails while xend is stopped.
                Tool("xm", xendRunning
                    ? $"[ \"$1\" = info ] && cat '{Path.Combine(ReferenceSamples.Directory, XmInfo)}'"
                    : "echo 'Error: Unable to connect to xend: No such file or directory. Is xend running?' >&2; exit 1");
                Tool("xend", $"[ \"$1\" = status ] && exit {(xendRunning ? 0 : 3)}");
            }
            if (hasXl) Tool("xl", $"[ \"$1\" = info ] && cat '{Path.Combine(ReferenceSamples.Directory, XlInfo)}'");

            var detection = await ToolstackDetector.DetectAsync(new LocalShell(bin + ":/usr/bin:/bin"), CancellationToken.None);

            Assert.Equal(expected, detection.Toolstack);
            Assert.Equal(xendRunning, detection.XendRunning);
            Assert.Equal(version, detection.XenVersion);
        }

        [Fact]
        public async Task ResultLinesThatAToolPrintsAreNotTakenForResults()
        {
            var bin = Path.Combine(_temp.Path, "bin");
            Directory.CreateDirectory(bin);
            Tool("xm", $"[ \"$1\" = info ] && cat '{Path.Combine(ReferenceSamples.Directory, XmInfo)}' && " +
                "printf '%s\\n' 'xm=' 'xl=' 'xend-status=stopped' 'tool=' '@@xenps-ffffffffffffffffffffffff:end:1:0'");
            Tool("xend", "[ \"$1\" = status ]");

            var detection = await ToolstackDetector.DetectAsync(new LocalShell(bin + ":/usr/bin:/bin"), CancellationToken.None);

            Assert.Equal(Toolstack.Xm, detection.Toolstack);
            Assert.True(detection.XendRunning);
            Assert.Equal("4.0.1", detection.XenVersion);
        }

        [Theory]
        [InlineData("xm", "list=xm list --long|long=")]
        [InlineData("xl", "list=xl list|long=xl list -l")]
        public async Task TheChosenToolstacksListingRunsInEverySection(string chosen, string expected)
        {
            foreach (var tool in new[] { "xm", "xl" }) Tool(tool, $"echo {tool} \"$@\"");
            var sections = await new RemoteBatch().Add("tools", $"x_tool={chosen}").AddChosenListSections()
                .RunAsync(new LocalShell(_temp.File("bin") + ":/usr/bin:/bin"), new RemoteRunOptions { ReadOnly = true }, CancellationToken.None);

            var names = ToolstackImplementations.All.SelectMany(t => t.DomainListSections).Select(s => s.Name).Distinct();
            Assert.Equal(expected, string.Join("|", names.Select(n => n + "=" + sections[n].Stdout.Trim())));
            Assert.All(names, n => Assert.Equal(0, sections[n].ExitCode));
        }

        [Fact]
        public async Task WithoutAToolstackTheFirstListingSectionSaysSoAndFails()
        {
            var sections = await new RemoteBatch().Add("tools", "x_tool=").AddChosenListSections()
                .RunAsync(new LocalShell(), new RemoteRunOptions { ReadOnly = true }, CancellationToken.None);

            Assert.NotEqual(0, sections["list"].ExitCode);
            Assert.Contains("neither xm nor xl", sections["list"].Stderr);
            Assert.Equal(0, sections["long"].ExitCode);
        }

        /// <summary>The sections of the detection batch as a host with these tools answers them.</summary>
        private static Dictionary<string, RemoteResult> Probe(string xm, string xl, string xend, string tool, string? infoText, int infoExitCode = 0) =>
            new Dictionary<string, RemoteResult>
            {
                ["env"] = new RemoteResult(0, "", ""),
                ["tools"] = new RemoteResult(0, $"xm={xm}\nxl={xl}\nxend={(xm.Length > 0 ? "/usr/sbin/xend" : "")}\nxend-status={xend}\ntool={tool}\n", ""),
                ["info"] = tool.Length == 0 ? new RemoteResult(1, "", "neither xm nor xl is on the PATH") : new RemoteResult(infoExitCode, infoExitCode == 0 ? infoText + "\n" : "", infoExitCode == 0 ? "" : infoText ?? ""),
            };

        private void Tool(string name, string body)
        {
            var path = _temp.Write("bin/" + name, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        /// <summary>A host that greets on every login and runs nothing it is sent.</summary>
        private sealed class Greeter : IRemoteShell
        {
            public string ComputerName => "dom0-a";

            public Task<RemoteResult> RunAsync(string command, RemoteRunOptions options, CancellationToken cancellationToken) =>
                Task.FromResult(new RemoteResult(0, "Welcome to dom0-a\n", ""));
        }
    }
}
