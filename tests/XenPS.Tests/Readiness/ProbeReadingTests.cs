using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Readiness
{
    /// <summary>The first round trip's sections as real hosts print them, and the scripts run under this machine's /bin/sh.</summary>
    public class ProbeReadingTests
    {
        private const string AmdCpuInfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD Phenom(tm) II X4 945 Processor\nflags\t\t: fpu lm nx svm\n\n";

        private static RemoteResult Ok(string stdout) => new RemoteResult(0, stdout, "");

        private static Dictionary<string, RemoteResult> XmSections() => new Dictionary<string, RemoteResult>
        {
            ["env"] = Ok(""),
            ["tools"] = Ok("xm=/usr/sbin/xm\nxl=\nxend=/usr/sbin/xend\nxend-status=running\ntool=xm\n"),
            ["info"] = Ok(ReferenceSamples.Read("xm-info.xen-4.0.1-debian-ganeti.txt")),
            ["list"] = Ok(ReferenceSamples.Read("xm-list-long.xen-4.0.1-debian-ganeti.sxp")),
            ["long"] = Ok(""),
            ["cpuinfo"] = Ok(AmdCpuInfo),
            ["bridges"] = Ok("xen-br0\n"),
            ["xend-config"] = Ok(Base64(ReferenceSamples.Read("xend-config.xen-4.0.0.sxp"))),
            ["tcp"] = Ok("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
                         "   0: 00000000:1F42 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 14412 1 0000000000000000 100 0 0 10 0\n"),
            ["tcp6"] = Ok(""),
            ["receivers"] = Ok(""),
        };

        /// <summary>What <see cref="RemoteFile.ReadCommand(string)"/> prints for a file holding <paramref name="text"/>: size and SHA-256, then base64.</summary>
        private static string Base64(string text)
        {
            var bytes = Encoding.GetEncoding(28591).GetBytes(text);
            return $"{bytes.Length} {RemoteFile.Sha256Hex(bytes)}\n{System.Convert.ToBase64String(bytes)}\n";
        }

        [Fact]
        public void AnXmHostIsReadFromItsSections()
        {
            var facts = DestinationProbe.Read("dom0-b", XmSections());

            Assert.Null(facts.Error);
            Assert.Equal(Toolstack.Xm, facts.Tools.Toolstack);
            Assert.True(facts.Tools.XendRunning);
            Assert.Equal("/usr/sbin/xend", facts.Tools.XendPath);
            Assert.Null(facts.InfoError);
            Assert.Equal("4.0.1", facts.Host.XenVersion);
            Assert.Equal("x86_64", facts.Host.Architecture);
            Assert.Equal("AuthenticAMD", facts.Host.CpuVendor);
            Assert.Equal(new[] { "fpu", "lm", "nx", "svm" }, facts.Host.CpuFlags);
            Assert.Equal(new[] { "xen-br0" }, facts.Host.Bridges);
            Assert.Null(facts.DomainsError);
            Assert.Contains(facts.Domains, d => d.IsDom0);
            Assert.Null(facts.XendError);
            Assert.Equal(196, facts.Xend!.Dom0MinMemMB);
            Assert.True(facts.Xend.Dom0Ballooning);
            Assert.True(facts.Xend.Relocation.Server);
            Assert.Equal(8002, facts.Xend.Relocation.Port);
            Assert.Contains(("0.0.0.0", 8002), facts.Listeners);
        }

        [Fact]
        public void AnXlHostIsReadFromItsSections()
        {
            var sections = XmSections();
            sections["tools"] = Ok("xm=\nxl=/usr/sbin/xl\nxend=\nxend-status=stopped\ntool=xl\n");
            sections["info"] = Ok(ReferenceSamples.Read("xl-info.xen-4.17.7-debian12-x86_64-qemu.txt"));
            sections["list"] = Ok(ReferenceSamples.Read("xl-list.xen-4.17.5-debian12-x86_64-qemu.txt"));
            sections["long"] = Ok(ReferenceSamples.Read("xl-list-l.xen-4.17.5-debian12-pv.json"));
            sections["xend-config"] = new RemoteResult(20, "", "/etc/xen/xend-config.sxp does not exist\n");

            var facts = DestinationProbe.Read("xl-b", sections);

            Assert.Equal(Toolstack.Xl, facts.Tools.Toolstack);
            Assert.Equal("4.17.7", facts.Host.XenVersion);
            Assert.Equal(1000, facts.Host.FreeMemoryMB);
            Assert.Equal(new[] { "Domain-0", "tiny" }, facts.Domains.Select(d => d.Name));
            Assert.Null(facts.Xend);
            Assert.Null(facts.XendError);
        }

        [Fact]
        public void FailedSectionsBecomeErrorsOfTheirPart()
        {
            var sections = XmSections();
            sections["tools"] = Ok("xm=/usr/sbin/xm\nxl=\nxend=/usr/sbin/xend\nxend-status=stopped\ntool=xm\n");
            sections["info"] = new RemoteResult(1, "", "Error: Unable to connect to xend: No such file or directory. Is xend running?\n");
            sections["list"] = new RemoteResult(1, "", "Error: Unable to connect to xend: No such file or directory. Is xend running?\n");
            sections["xend-config"] = Ok(Base64("(xend-relocation-port abc)\n"));
            sections["tcp"] = Ok("garbage\n");

            var facts = DestinationProbe.Read("dom0-b", sections);

            Assert.Equal("'xm info' failed on dom0-b (exit code 1): Error: Unable to connect to xend: No such file or directory. Is xend running?", facts.InfoError);
            Assert.Equal("'xm list --long' failed on dom0-b (exit code 1): Error: Unable to connect to xend: No such file or directory. Is xend running?", facts.DomainsError);
            Assert.StartsWith("/etc/xen/xend-config.sxp on dom0-b could not be read: Line 1 of xend-config.sxp", facts.XendError);
            Assert.StartsWith("The listening sockets of dom0-b could not be read:", facts.ListenersError);
            Assert.Equal("AuthenticAMD", facts.Host.CpuVendor);
        }

        [Theory]
        [InlineData("(dom0-min-mem 0)\n", 0, false)]
        [InlineData("(dom0-min-mem 0)\n(enable-dom0-ballooning yes)\n", 0, true)]
        [InlineData("(dom0-min-mem 512)\n", 512, true)]
        [InlineData("(dom0-min-mem 196)\n(enable-dom0-ballooning no)\n", 196, false)]
        [InlineData("", 0, false)]
        public void BallooningFollowsXendsDefaults(string config, long minMem, bool ballooning)
        {
            var facts = new HostFacts { Name = "dom0-b" };

            DestinationProbe.ReadXend(facts, Ok(Base64(config)));

            Assert.Equal(minMem, facts.Xend!.Dom0MinMemMB);
            Assert.Equal(ballooning, facts.Xend.Dom0Ballooning);
        }

        [Fact]
        public async Task WithoutXendConfigTheDestinationHasXendsDefaults()
        {
            var facts = new HostFacts { Name = "dom0-b" };
            facts.Tools.XendRunning = true;
            var missing = await new LocalShell().RunAsync(RemoteFile.ReadCommand("/nonexistent/xend-config.sxp"), new RemoteRunOptions(), CancellationToken.None);

            DestinationProbe.ReadXend(facts, missing);

            Assert.Null(facts.XendError);
            var relocation = facts.Xend!.Relocation;
            Assert.False(relocation.FileExists);
            Assert.Equal(("dom0-b", "/etc/xen/xend-config.sxp", true), (relocation.ComputerName, relocation.Path, relocation.XendRunning));
            Assert.Equal((false, 8002, "", 0, false, 8003), (relocation.Server, relocation.Port, relocation.Address, relocation.HostsAllow.Length, relocation.SslServer, relocation.SslPort));
            Assert.Equal(0, facts.Xend.Dom0MinMemMB);
            Assert.False(facts.Xend.Dom0Ballooning);
        }

        [Fact]
        public void AnExistingXendConfigIsMarkedAsRead()
        {
            var facts = new HostFacts { Name = "dom0-b" };

            DestinationProbe.ReadXend(facts, Ok(Base64("(xend-relocation-server yes)\n")));

            Assert.True(facts.Xend!.Relocation.FileExists);
            Assert.True(facts.Xend.Relocation.Server);
        }

        [Fact]
        public async Task OnAHostWithoutXenToolsTheProbeSaysSo()
        {
            var sections = await HostProbe.NewBatch().RunAsync(new LocalShell(), new RemoteRunOptions(), CancellationToken.None);

            var facts = HostProbe.Read("localhost", sections);

            Assert.Null(facts.Tools.Toolstack);
            Assert.Equal("localhost has neither xm nor xl (see HostsReachable).", facts.ToolstackProblem);
            Assert.Equal("'info' failed on localhost (exit code 1): neither xm nor xl is on the PATH (/usr/sbin, /usr/bin, /sbin, /bin)", facts.InfoError);
            Assert.Null(facts.CpuError);
            Assert.NotEmpty(facts.Host.CpuFlags);
        }

        [Theory]
        [InlineData("198.18.0.11     dom0-a\n", "dom0-a")]
        [InlineData("198.18.0.11     dom0-a dom0-a.lab.example a\n", "dom0-a.lab.example")]
        [InlineData("198.18.0.11     dom0-a.lab.example dom0-a\n", "dom0-a.lab.example")]
        [InlineData("", null)]
        public void TheSourceNameIsWhatPythonsGetfqdnGives(string getent, string? expected)
        {
            Assert.Equal(expected, ReadinessRun.Fqdn(getent));
        }
    }
}
