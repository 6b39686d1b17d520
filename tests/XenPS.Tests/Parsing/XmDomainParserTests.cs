using System.Linq;
using XenPS.Core.Model;
using XenPS.Core.Parsing;
using Xunit;

namespace XenPS.Tests.Parsing
{
    public class XmDomainParserTests
    {
        private static XenDomain Single(string sample) =>
            Assert.Single(XmDomainParser.Parse(ReferenceSamples.Read(sample), "dom0-a"));

        [Fact]
        public void ReadsTheXen303PvDomainWithATapDisk()
        {
            var d = Single("xm-list-long.xen-3.0.3-rhel5-libvirt-curmem-pv.sxp");

            Assert.Equal("rhel5", d.Name);
            Assert.Equal(5, d.Id);
            Assert.Equal("dom0-a", d.ComputerName);
            Assert.Equal(Toolstack.Xm, d.Toolstack);
            Assert.Equal("4f77abd2-3019-58e8-3bab-6fbf2118f880", d.Uuid);
            Assert.Equal(175, d.MemoryMB);
            Assert.Equal(385, d.MaxMemoryMB);
            Assert.Equal(1, d.VCpus);
            Assert.Equal(137.189121425, d.CpuTimeSeconds, 9);
            Assert.Equal("-b----", d.StateFlags);
            Assert.Equal(XenDomainState.Blocked, d.State);
            Assert.Equal(XenDomainType.PV, d.Type);
            var disk = Assert.Single(d.Disks);
            Assert.Equal("tap:aio", disk.Backend);
            Assert.Equal("/xen/rhel5.img", disk.Path);
            Assert.Equal("xvda", disk.Target);
            Assert.Equal("w", disk.Mode);
            Assert.False(disk.IsCdrom);
            var vif = Assert.Single(d.Vifs);
            Assert.Equal("xenbr0", vif.Bridge);
            Assert.Equal("00:16:3e:1d:06:15", vif.Mac);
            Assert.Null(vif.Model);
            Assert.Empty(d.PciDevices);
        }

        [Fact]
        public void ReadsTheXen31HvmDomainWithACdrom()
        {
            var d = Single("xm-list-long.xen-3.1-opensolaris-xvm-libvirt-winxp-hvm.sxp");

            Assert.Equal("domu-224", d.Name);
            Assert.Equal(21, d.Id);
            Assert.Equal("e0c172e6-4ad8-7353-0ece-515d2f181365", d.Uuid);
            Assert.Equal(512, d.MemoryMB);
            Assert.Equal(512, d.MaxMemoryMB);
            Assert.Equal(1, d.VCpus);
            Assert.Equal(907.159661051, d.CpuTimeSeconds, 9);
            Assert.Equal("r-----", d.StateFlags);
            Assert.Equal(XenDomainState.Running, d.State);
            Assert.Equal(XenDomainType.HVM, d.Type);
            Assert.Equal(2, d.Disks.Count);
            Assert.Equal(("phy", "/iscsi/winxp", "hda", "w", false), Describe(d.Disks[0]));
            Assert.Equal(("file", "/net/heaped/export/netimage/windows/xp-sp2-vol.iso", "hdc", "r", true), Describe(d.Disks[1]));
            var vif = Assert.Single(d.Vifs);
            Assert.Equal("e1000g0", vif.Bridge);
            Assert.Equal("00:16:3e:1b:e8:18", vif.Mac);
        }

        [Fact]
        public void ReadsDom0AndAGanetiDomainFromXen401()
        {
            var domains = XmDomainParser.Parse(ReferenceSamples.Read("xm-list-long.xen-4.0.1-debian-ganeti.sxp"), "node1");

            Assert.Equal(new[] { "Domain-0", "instance1.example.com" }, domains.Select(d => d.Name));
            var dom0 = domains[0];
            Assert.True(dom0.IsDom0);
            Assert.Equal(0, dom0.Id);
            Assert.Equal(1023, dom0.MemoryMB);
            Assert.Equal(16777215, dom0.MaxMemoryMB);
            Assert.Equal(1, dom0.VCpus);
            Assert.Equal(184000.41332, dom0.CpuTimeSeconds, 5);
            Assert.Equal(XenDomainState.Running, dom0.State);
            Assert.Equal(XenDomainType.PV, dom0.Type);
            Assert.Equal("00000000-0000-0000-0000-000000000000", dom0.Uuid);
            Assert.Empty(dom0.Disks);
            Assert.Empty(dom0.Vifs);

            var domU = domains[1];
            Assert.False(domU.IsDom0);
            Assert.Equal(119, domU.Id);
            Assert.Equal("e430b4b8-dc91-9390-dfe0-b83c138ea0aa", domU.Uuid);
            Assert.Equal(128, domU.MemoryMB);
            Assert.Equal(128, domU.MaxMemoryMB);
            Assert.Equal(24.116146647, domU.CpuTimeSeconds, 9);
            Assert.Equal(XenDomainState.Blocked, domU.State);
            Assert.Equal(XenDomainType.PV, domU.Type);
            var disk = Assert.Single(domU.Disks);
            Assert.Equal(("phy", "/var/run/ganeti/instance-disks/instance1.example.com:0", "sda", "w", false), Describe(disk));
            var vif = Assert.Single(domU.Vifs);
            Assert.Equal("xen-br0", vif.Bridge);
            Assert.Equal("aa:00:00:30:8d:9d", vif.Mac);
            Assert.All(domains, d => Assert.Equal("node1", d.ComputerName));
        }

        [Fact]
        public void ReadsPciPassthroughAddresses()
        {
            const string text = @"(domain
    (domid 7)
    (name gpu)
    (state -b----)
    (image (hvm (kernel /usr/lib/xen/boot/hvmloader)))
    (device
        (pci
            (dev (slot 0x00) (domain 0x0000) (key 01:00.0) (bus 0x01) (vslot 0x5) (func 0x0))
            (dev (slot 0x1f) (domain 0x0000) (bus 0x0a) (func 0x3))
            (uuid 1c7a4b52-6c0d-11e0-9dd4-001e4f3f0a10)
            (backend 0)
        )
    )
)";
            var d = Assert.Single(XmDomainParser.Parse(text, "h"));

            Assert.Equal(new[] { "0000:01:00.0", "0000:0a:1f.3" }, d.PciDevices);
            Assert.Equal(XenDomainType.HVM, d.Type);
        }

        [Fact]
        public void ReadsPciFunctionsPrintedAsUnnamedLists()
        {
            const string text = @"(domain
    (domid 3)
    (name db01)
    (device
        (pci
            (uuid 3708ce8c-0ec5-5448-2ecf-63b4e8b18c25)
            (dev
                ((slot 0x00)
                    (domain 0x0000)
                    (key 03:00.0)
                    (bus 0x03)
                    (vdevfn 0x100)
                    (func 0x0)
                )
                ((slot 0x1f) (domain 0x0001) (bus 0x0a) (func 0x3))
            )
        )
    )
)";
            var d = Assert.Single(XmDomainParser.Parse(text, "h"));

            Assert.Equal(new[] { "0000:03:00.0", "0001:0a:1f.3" }, d.PciDevices);
        }

        [Theory]
        [InlineData("file:/THECUS_NFS/com-xp1.img", "file", "/THECUS_NFS/com-xp1.img")]
        [InlineData("phy:/dev/xenvgvm/serverex", "phy", "/dev/xenvgvm/serverex")]
        [InlineData("phy:hda1", "phy", "hda1")]
        [InlineData("tap:aio:/xen/rhel5.img", "tap:aio", "/xen/rhel5.img")]
        [InlineData("tap:qcow:/var/images/a.qcow", "tap:qcow", "/var/images/a.qcow")]
        [InlineData("tap2:tapdisk:aio:/srv/a.img", "tap2:tapdisk:aio", "/srv/a.img")]
        [InlineData("phy:/var/run/ganeti/instance-disks/i1:0", "phy", "/var/run/ganeti/instance-disks/i1:0")]
        [InlineData("drbd:resource0", "drbd", "resource0")]
        [InlineData("/dev/sdb", "", "/dev/sdb")]
        [InlineData("file:", "file", null)]
        [InlineData("", "", null)]
        public void SplitsTheUnameIntoBackendAndPath(string uname, string backend, string? path)
        {
            Assert.Equal((backend, path), XmDomainParser.SplitUname(uname));
        }

        [Fact]
        public void AnEmptyCdromDriveHasNoPath()
        {
            const string text = "(domain (name w) (device (vbd (dev hdc:cdrom) (mode r))) (device (vbd (dev ioemu:hda) (uname phy:/dev/vg/w))))";

            var d = Assert.Single(XmDomainParser.Parse(text, "h"));

            Assert.Equal(("", null, "hdc", "r", true), Describe(d.Disks[0]));
            Assert.Equal(("phy", "/dev/vg/w", "hda", "w", false), Describe(d.Disks[1]));
        }

        [Theory]
        [InlineData("(domain (domid 4) (name w))", XenDomainState.Unknown, "")]
        [InlineData("(domain (domid 4) (name w) (state ))", XenDomainState.Unknown, "")]
        [InlineData("(domain (domid 4) (name w) (state ------))", XenDomainState.NoState, "------")]
        [InlineData("(domain (domid 4) (name w) (state r-----))", XenDomainState.Running, "r-----")]
        public void ABlockWithoutAStateIsUnknownNotRunnable(string text, XenDomainState state, string flags)
        {
            var d = Assert.Single(XmDomainParser.Parse(text, "h"));

            Assert.Equal(state, d.State);
            Assert.Equal(flags, d.StateFlags);
        }

        [Theory]
        [InlineData("hvm", XenDomainType.HVM)]
        [InlineData("vmx", XenDomainType.HVM)]
        public void AnHvmImageCdromIsAReadOnlyHdcDisk(string kind, XenDomainType type)
        {
            var text = $"(domain (domid 2) (name w) (image ({kind} (kernel /usr/lib/xen/boot/hvmloader) (cdrom '/path/boot.iso') (boot d))) " +
                       "(device (vbd (uname file:/img/w.img) (dev ioemu:hda) (mode w))))";

            var d = Assert.Single(XmDomainParser.Parse(text, "h"));

            Assert.Equal(type, d.Type);
            Assert.Equal(2, d.Disks.Count);
            Assert.Equal(("file", "/img/w.img", "hda", "w", false), Describe(d.Disks[0]));
            Assert.Equal(("", "/path/boot.iso", "hdc", "r", true), Describe(d.Disks[1]));
            Assert.Equal("/path/boot.iso,hdc:cdrom,r", d.Disks[1].ToString());
        }

        [Theory]
        [InlineData("(cdrom '')")]
        [InlineData("(cdrom )")]
        public void AnEmptyHvmImageCdromIsAnEmptyDrive(string cdrom)
        {
            var d = Assert.Single(XmDomainParser.Parse($"(domain (name w) (image (hvm (boot c) {cdrom})))", "h"));

            Assert.Equal(("", null, "hdc", "r", true), Describe(Assert.Single(d.Disks)));
        }

        [Fact]
        public void OnlyAnHvmImageHasACdromOption()
        {
            var d = Assert.Single(XmDomainParser.Parse("(domain (name w) (image (linux (kernel /boot/vmlinuz) (cdrom /path/boot.iso))))", "h"));

            Assert.Equal(XenDomainType.PV, d.Type);
            Assert.Empty(d.Disks);
        }

        [Theory]
        [InlineData("(device (vbd (dev hdc:cdrom) (mode r)))", ",hdc:cdrom,r")]
        [InlineData("(device (vbd (uname phy:) (dev hdc:cdrom) (mode r)))", ",hdc:cdrom,r")]
        [InlineData("(device (vbd (uname file:/iso/x.iso) (dev hdc:cdrom) (mode r)))", "file:/iso/x.iso,hdc:cdrom,r")]
        [InlineData("(device (vbd (uname phy:/dev/vg/w) (dev ioemu:hda) (mode w)))", "phy:/dev/vg/w,hda,w")]
        public void ADiskPrintsAsAnXmDiskLineAndAnEmptyDriveWithoutPath(string device, string printed)
        {
            var d = Assert.Single(XmDomainParser.Parse($"(domain (name w) {device})", "h"));

            Assert.Equal(printed, Assert.Single(d.Disks).ToString());
        }

        [Fact]
        public void MissingAndUnknownFieldsKeepDefaults()
        {
            const string text = "(domain (name idle) (vcpus 2) (memory 256) (some_future_field (x 1)) (device (vusb (backend 0))) (image (nonsense)))";

            var d = Assert.Single(XmDomainParser.Parse(text, "h"));

            Assert.Equal("idle", d.Name);
            Assert.Null(d.Id);
            Assert.Null(d.Uuid);
            Assert.Equal(256, d.MemoryMB);
            Assert.Equal(256, d.MaxMemoryMB);
            Assert.Equal(2, d.VCpus);
            Assert.Equal(0, d.CpuTimeSeconds);
            Assert.Equal("", d.StateFlags);
            Assert.Equal(XenDomainState.Unknown, d.State);
            Assert.Equal(XenDomainType.Unknown, d.Type);
            Assert.Empty(d.Disks);
            Assert.Empty(d.Vifs);
        }

        [Fact]
        public void AMigratingNameMeansMigrating()
        {
            var d = Assert.Single(XmDomainParser.Parse("(domain (domid 3) (name migrating-com-xp1) (state -b----))", "h"));

            Assert.Equal("migrating-com-xp1", d.Name);
            Assert.Equal("com-xp1", d.GuestName);
            Assert.Equal(XenDomainState.Migrating, d.State);
        }

        [Theory]
        [InlineData("migrating-com-xp1", "com-xp1")]
        [InlineData("tiny--incoming", "tiny")]
        [InlineData("tiny--migratedaway", "tiny")]
        [InlineData("migrating-", "migrating-")]
        [InlineData("--incoming", "--incoming")]
        [InlineData("com-xp1", "com-xp1")]
        [InlineData("my-migrating-vm", "my-migrating-vm")]
        public void GuestNameStripsOnlyTheMigrationDecoration(string listed, string guest)
        {
            Assert.Equal(guest, XenDomain.GuestNameOf(listed));
        }

        [Fact]
        public void DeeplyNestedTextIsRefusedWithoutOverflowingTheStack()
        {
            Assert.Throws<SxpParseException>(() => XmDomainParser.Parse(new string('(', 200000) + new string(')', 200000), "h"));
        }

        [Fact]
        public void BlankTextHasNoDomains()
        {
            Assert.Empty(XmDomainParser.Parse("\n", "h"));
        }

        [Fact]
        public void TextWithoutADomainBlockIsRejected()
        {
            var e = Assert.Throws<XenParseException>(() => XmDomainParser.Parse("Error: Unable to connect to xend: No such file or directory. Is xend running?\n", "h"));

            Assert.Contains("not xm list --long output", e.Message);
        }

        [Fact]
        public void UnbalancedOutputIsRejectedWithItsPosition()
        {
            var text = ReferenceSamples.Read("xm-list-long.xen-3.0.3-rhel5-libvirt-curmem-pv.sxp");

            var e = Assert.Throws<SxpParseException>(() => XmDomainParser.Parse(text.Substring(0, text.Length - 3), "h"));

            Assert.Equal(1, e.Line);
        }

        internal static (string Backend, string? Path, string Target, string Mode, bool IsCdrom) Describe(XenDisk disk) =>
            (disk.Backend, disk.Path, disk.Target, disk.Mode, disk.IsCdrom);

        [Fact]
        public void AListingCutShortIsRejectedEvenAfterWholeDomains()
        {
            var text = ReferenceSamples.Read("xm-list-long.xen-4.0.1-debian-ganeti.sxp");
            var cut = text.Substring(0, text.IndexOf("(device", text.LastIndexOf("(domain", System.StringComparison.Ordinal), System.StringComparison.Ordinal));

            var e = Assert.Throws<SxpParseException>(() => XmDomainParser.Parse(cut, "dom0-a"));

            Assert.Contains("never closed", e.Message);
            Assert.Equal(cut.Take(cut.LastIndexOf("(domain", System.StringComparison.Ordinal)).Count(c => c == '\n') + 1, e.Line);
        }

        [Fact]
        public void DevicesOfEveryKindKeepTheirOrderWithinTheirKind()
        {
            var domain = Assert.Single(XmDomainParser.Parse(
                "(domain (name a) (device (vif (mac m1))) (device (vbd (dev xvda) (uname phy:/dev/a)))" +
                " (device (tap (dev xvdb) (uname tap:aio:/b))) (device (vif (mac m2))) (device (console (location 2)))" +
                " (device (tap2 (dev xvdc) (uname tap2:tapdisk:vhd:/c))) (device) (device name-only)" +
                " (device (pci (dev (domain 0x0000) (bus 0x01) (slot 0x00) (func 0x0)))))", "dom0-a"));

            Assert.Equal(new[] { "xvda", "xvdb", "xvdc" }, domain.Disks.Select(d => d.Target));
            Assert.Equal(new[] { "/dev/a", "/b", "/c" }, domain.Disks.Select(d => d.Path));
            Assert.Equal(new[] { "m1", "m2" }, domain.Vifs.Select(v => v.Mac));
            Assert.Equal(new[] { "0000:01:00.0" }, domain.PciDevices);
        }
    }
}
