using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Readiness;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;
using XenPS.Core.Toolstacks;
using XenPS.Tests.HostileInput;
using XenPS.Tests.Toolstacks;
using Xunit;

namespace XenPS.Tests.Migration
{
    /// <summary>The rules of a cold move: which config paths it takes, the commands it builds, and config-move.sh on a real shell.</summary>
    public sealed class ColdMoveTests : IDisposable
    {
        private const string DryRun = "{\"c_info\":{\"type\":\"pv\",\"name\":\"cold\",\"uuid\":\"7ea7b6fd-ede3-d24e-5c9b-a2fbe4f92607\"}," +
            "\"b_info\":{\"max_vcpus\":1,\"max_memkb\":24576,\"target_memkb\":24576,\"type.pv\":{}}," +
            "\"disks\":[{\"pdev_path\":\"/srv/shared/cold.img\",\"vdev\":\"xvda\",\"backend\":\"qdisk\",\"readwrite\":1}]," +
            "\"nics\":[{\"devid\":0,\"bridge\":\"xenbr0\"}]}";

        private readonly string folder = Path.Combine(Path.GetTempPath(), "xenps-cold-" + Guid.NewGuid().ToString("N"));
        private readonly LocalShell shell = new LocalShell();

        public ColdMoveTests() => Directory.CreateDirectory(folder);

        public void Dispose() => Directory.Delete(folder, recursive: true);

        [Theory]
        [InlineData("/etc/xen/cold.cfg")]
        [InlineData("/etc/xen/guests/web 01.cfg")]
        [InlineData("/etc/xen/a=b.cfg")]
        public void TakesAFileUnderEtcXen(string path) => Assert.Null(DomainConfigPath.ProblemWith(path));

        [Theory]
        [InlineData("", "empty")]
        [InlineData("cold.cfg", "absolute")]
        [InlineData("/tmp/cold.cfg", "not under /etc/xen/")]
        [InlineData("/etc/xenx/cold.cfg", "not under /etc/xen/")]
        [InlineData("/etc/xen/../shadow", "'..'")]
        [InlineData("/etc/xen/./cold.cfg", "'.'")]
        [InlineData("/etc/xen//cold.cfg", "empty")]
        [InlineData("/etc/xen/guests/", "ends with '/'")]
        [InlineData("/etc/xen/cold.cfg\n; touch /tmp/x", "line break")]
        [InlineData("/etc/xen/cold\r.cfg", "control character")]
        [InlineData("/etc/xen/it's.cfg", "quote")]
        [InlineData("/etc/xen/a\\b.cfg", "backslash")]
        [InlineData("/etc/xen/auto/cold.cfg", "xendomains starts at boot")]
        [InlineData("/etc/xen/scripts/vif-bridge", "scripts")]
        [InlineData("/etc/xen/xend-config.sxp", "own settings")]
        [InlineData("/etc/xen/xl.conf", "own settings")]
        public void RefusesEveryOtherPathAndSaysWhy(string path, string reason) => Assert.Contains(reason, DomainConfigPath.ProblemWith(path));

        [Theory]
        [MemberData(nameof(HostileInputCorpus.Names), MemberType = typeof(HostileInputCorpus))]
        public void TheMovedNameKeepsTheFolderAndHoldsNoCharacterAShellOrAPathWouldRead(string corpusName)
        {
            var moved = DomainConfigPath.MovedName("/etc/xen/cold.cfg", HostileInputCorpus.Value(corpusName));

            Assert.StartsWith("/etc/xen/cold.cfg.moved-to-", moved);
            Assert.Matches("^[A-Za-z0-9._/-]*$", moved);
            Assert.DoesNotContain("/", moved.Substring("/etc/xen/".Length));
        }

        [Fact]
        public void XlReadsAndStartsTheFileGivenAfterDashF()
        {
            var xl = Toolstack.Xl.Implementation();
            const string path = "/etc/xen/a=b;$(touch x).cfg";

            Assert.Equal(new[] { "xl", "create", "-n", "-f", path }, xl.ConfigDryRun(path));
            Assert.Equal(new[] { "xl", "create", "-f", path }, xl.CreateFromConfig(path));
            Assert.Equal("'xl' 'create' '-f' '/etc/xen/a=b;$(touch x).cfg'", ShellQuote.Join(xl.CreateFromConfig(path)));
        }

        [Fact]
        public void XmReadsTheFileQuietlyAndStartsItAfterDashF()
        {
            var xm = Toolstack.Xm.Implementation();

            Assert.Equal(new[] { "xm", "create", "--quiet", "--dryrun", "-f", "/etc/xen/a b.cfg" }, xm.ConfigDryRun("/etc/xen/a b.cfg"));
            Assert.Equal(new[] { "xm", "create", "-f", "/etc/xen/a b.cfg" }, xm.CreateFromConfig("/etc/xen/a b.cfg"));
        }

        private const string XmDryRun = "(vm\n    (name cold)\n    (memory 24)\n    (vcpus 1)\n    (image (linux (kernel /boot/vmlinuz)))\n" +
            "    (device (vbd (uname file:/srv/shared/cold.img) (dev xvda) (mode w)))\n    (device (vif (bridge xenbr0)))\n)\n";

        [Theory]
        [InlineData(Toolstack.Xl)]
        [InlineData(Toolstack.Xm)]
        public void ReadsTheDomainOfTheToolstacksDryRun(Toolstack kind)
        {
            var domain = kind.Implementation().ParseConfigDryRun(kind == Toolstack.Xl ? DryRun : XmDryRun, "dom0-a");

            Assert.Equal("cold", domain.Name);
            Assert.Null(domain.Id);
            Assert.Equal(24, domain.MemoryMB);
            Assert.Equal("/srv/shared/cold.img", Assert.Single(domain.Disks).Path);
            Assert.Equal("xenbr0", Assert.Single(domain.Vifs).Bridge);
        }

        [Theory]
        [InlineData("Using config file \"/etc/xen/cold.cfg\".\n")]
        [InlineData("(vm (memory 24))")]
        [InlineData("(vm (name a)) (vm (name b))")]
        public void RefusesAnXmDryRunWithoutOneNamedDomain(string output) => Assert.Throws<XenParseException>(() => XmDomainParser.ParseConfig(output, "dom0-a"));

        [Theory]
        [InlineData("")]
        [InlineData("{\"b_info\":{}}")]
        [InlineData("(domain (name cold))")]
        public void RefusesADryRunWithoutADomain(string output) => Assert.Throws<XenParseException>(() => XlDomainParser.ParseConfig(output, "xl-a"));

        [Fact]
        public void MemoryAppliesOnlyWhenTheGuestStarts()
        {
            Assert.DoesNotContain(ReadinessCheckId.Memory, ColdMoveReadiness.Applicable(false));
            Assert.Contains(ReadinessCheckId.Memory, ColdMoveReadiness.Applicable(true));
            foreach (var start in new[] { false, true })
            {
                var ids = ColdMoveReadiness.Applicable(start);
                Assert.Contains(ReadinessCheckId.SharedStorage, ids);
                Assert.Contains(ReadinessCheckId.Bridges, ids);
                Assert.Contains(ReadinessCheckId.NameFree, ids);
                Assert.DoesNotContain(ReadinessCheckId.DomainState, ids);
                Assert.DoesNotContain(ReadinessCheckId.Relocation, ids);
            }
        }

        [Fact]
        public async Task PlacesACheckedCopyWithItsModeAndNeverReplacesAnotherFile()
        {
            var path = Path.Combine(folder, "cold.cfg");
            var bytes = new byte[] { 1, 2, 3, 10, 0, 255 };

            var placed = await Run("xenps_config_place", path, Convert.ToBase64String(bytes), RemoteFile.Sha256Hex(bytes), "600");
            var again = await Run("xenps_config_place", path, Convert.ToBase64String(bytes), RemoteFile.Sha256Hex(bytes), "600");
            var other = await Run("xenps_config_place", path, Convert.ToBase64String(new byte[] { 9 }), RemoteFile.Sha256Hex(new byte[] { 9 }), "600");

            Assert.Equal("placed\n", placed.Stdout);
            Assert.Equal("present\n", again.Stdout);
            Assert.Equal(22, other.ExitCode);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Equal("600\n", (await Run("xenps_config_mode", path)).Stdout);
            Assert.Equal(new[] { "cold.cfg" }, Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        }

        [Fact]
        public async Task ACopyThatDoesNotMatchItsChecksumIsNotPlaced()
        {
            var path = Path.Combine(folder, "cold.cfg");

            var result = await Run("xenps_config_place", path, Convert.ToBase64String(new byte[] { 1 }), RemoteFile.Sha256Hex(new byte[] { 2 }), "644");

            Assert.Equal(25, result.ExitCode);
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }

        [Fact]
        public async Task RetiresOnlyTheFileThatWasReadAndNeverOverwritesAnEarlierOne()
        {
            var path = Path.Combine(folder, "cold.cfg");
            File.WriteAllText(path, "name = \"cold\"\n");
            File.WriteAllText(path + ".moved-to-xl-b", "earlier\n");
            var sha = RemoteFile.Sha256Hex(File.ReadAllBytes(path));

            var changed = await Run("xenps_config_retire", path, RemoteFile.Sha256Hex(new byte[] { 0 }), path + ".moved-to-xl-b");
            var retired = await Run("xenps_config_retire", path, sha, path + ".moved-to-xl-b");

            Assert.Equal(21, changed.ExitCode);
            Assert.Equal(path + ".moved-to-xl-b-2\n", retired.Stdout);
            Assert.False(File.Exists(path));
            Assert.Equal("earlier\n", File.ReadAllText(path + ".moved-to-xl-b"));
            Assert.Equal("name = \"cold\"\n", File.ReadAllText(path + ".moved-to-xl-b-2"));
        }

        [Fact]
        public async Task UnplacesOnlyTheCopyItWrote()
        {
            var path = Path.Combine(folder, "cold.cfg");
            File.WriteAllText(path, "edited since\n");

            var refused = await Run("xenps_config_unplace", path, RemoteFile.Sha256Hex(new byte[] { 1 }));
            var removed = await Run("xenps_config_unplace", path, RemoteFile.Sha256Hex(File.ReadAllBytes(path)));

            Assert.Equal(21, refused.ExitCode);
            Assert.Equal(0, removed.ExitCode);
            Assert.False(File.Exists(path));
        }

        [Theory]
        [MemberData(nameof(HostileInputCorpus.FileNames), MemberType = typeof(HostileInputCorpus))]
        public async Task AHostileFileNameReachesTheScriptAsDataOnly(string corpusName)
        {
            var name = HostileInputCorpus.Value(corpusName);
            var path = Path.Combine(folder, name);
            var bytes = new byte[] { 65, 10 };
            File.Delete(HostileInputCorpus.Canary);

            var placed = await Run("xenps_config_place", path, Convert.ToBase64String(bytes), RemoteFile.Sha256Hex(bytes), "644");
            var retired = await Run("xenps_config_retire", path, RemoteFile.Sha256Hex(bytes), DomainConfigPath.MovedName(path, name));

            Assert.Equal(0, placed.ExitCode);
            Assert.Equal(0, retired.ExitCode);
            Assert.False(File.Exists(HostileInputCorpus.Canary));
            Assert.Equal(bytes, File.ReadAllBytes(retired.Stdout.TrimEnd('\n')));
        }

        private Task<RemoteResult> Run(string function, params string[] arguments) =>
            shell.RunAsync(RemoteScripts.Call("config-move.sh", function, arguments), new RemoteRunOptions(), CancellationToken.None);
    }
}
