using XenPS.Core.Model;

namespace XenPS.Core.Parsing
{
    /// <summary>Reads <c>xm list --long</c>: one <c>(domain ...)</c> S-expression per domain, concatenated.</summary>
    public static class XmDomainParser
    {
        /// <summary>
        /// Every <c>(domain ...)</c> block as a <see cref="XenDomain"/> (Toolstack Xm). VCpus is <c>online_vcpus</c> (what
        /// <c>xm list</c> shows), else <c>vcpus</c>; MaxMemoryMB is <c>maxmem</c>, else <c>memory</c>; a block without
        /// <c>domid</c> (a managed domain that is not running) has a null Id, and one without <c>state</c> the state Unknown.
        /// Disks come from vbd, tap and tap2 devices, then from the HVM image's own <c>cdrom</c> option; vifs from vif devices,
        /// PCI addresses from pci devices. Missing or unknown fields never fail: they keep the defaults, and stray atoms around
        /// the blocks are ignored. Blank text gives no domains.
        /// </summary>
        /// <exception cref="SxpParseException">The parentheses are unbalanced.</exception>
        /// <exception cref="XenParseException">The text holds no <c>(domain ...)</c> block at all.</exception>
        public static IReadOnlyList<XenDomain> Parse(string xmListLongText, string computerName)
        {
            if (xmListLongText is null) throw new ArgumentNullException(nameof(xmListLongText));
            if (computerName is null) throw new ArgumentNullException(nameof(computerName));
            // Each block becomes its domain as soon as it is read, so that its tree is garbage before the next is read.
            SxpNode? first = null;
            var domains = new List<XenDomain>();
            foreach (var node in SxpReader.ReadEach(xmListLongText))
            {
                first ??= node;
                if (node.Name == "domain") domains.Add(ToDomain(node, computerName));
            }
            if (domains.Count == 0 && first != null)
            {
                throw new XenParseException($"The text is not xm list --long output: it holds no (domain ...) block. It starts with: {first}");
            }
            return domains;
        }

        /// <summary>
        /// The domain of <c>xm create --dryrun</c>'s output: the <c>(vm ...)</c> configuration that xm would send to xend, with
        /// the children of a listed domain (name, memory, image, devices) and no domain id: it does not run.
        /// </summary>
        /// <exception cref="XenParseException">The output holds no single <c>(vm ...)</c> with a name.</exception>
        public static XenDomain ParseConfig(string dryRunText, string computerName)
        {
            if (dryRunText is null) throw new ArgumentNullException(nameof(dryRunText));
            var vms = SxpReader.Parse(dryRunText).Where(n => n.Name == "vm").ToList();
            if (vms.Count != 1 || string.IsNullOrEmpty(vms[0].ChildValue("name")))
            {
                throw new XenParseException($"xm create --dryrun printed {vms.Count} (vm ...) block(s), not one with a (name ...).");
            }
            return ToDomain(vms[0], computerName);
        }

        private static XenDomain ToDomain(SxpNode domain, string computerName)
        {
            var name = domain.ChildValue("name") ?? "";
            var flags = domain.ChildValue("state") ?? "";
            var memory = Numbers.Long(domain.ChildValue("memory"));
            var image = ImageOptions(domain.Child("image"));
            var disks = new List<XenDisk>();
            var vifs = new List<XenVif>();
            var pciDevices = new List<string>();
            foreach (var device in domain.Children("device"))
            {
                // (device (vbd ...)): the device's kind names its one list.
                var kind = device.FirstList(1);
                if (kind is null) continue;
                switch (kind.Name)
                {
                    case "vbd":
                    case "tap":
                    case "tap2":
                        disks.Add(ToDisk(kind));
                        break;
                    case "vif":
                        vifs.Add(ToVif(kind));
                        break;
                    case "pci":
                        pciDevices.AddRange(PciAddresses(kind));
                        break;
                }
            }
            AddImageCdrom(image, disks);
            return new XenDomain
            {
                Name = name,
                Id = Numbers.Int(domain.ChildValue("domid")),
                ComputerName = computerName,
                Toolstack = Toolstack.Xm,
                StateFlags = flags,
                State = DomainStates.From(name, flags),
                MemoryMB = memory ?? 0,
                MaxMemoryMB = Numbers.Long(domain.ChildValue("maxmem")) ?? memory ?? 0,
                VCpus = Numbers.Int(domain.ChildValue("online_vcpus")) ?? Numbers.Int(domain.ChildValue("vcpus")) ?? 0,
                CpuTimeSeconds = Numbers.Double(domain.ChildValue("cpu_time")) ?? 0,
                Type = image?.Name switch
                {
                    "hvm" => XenDomainType.HVM,
                    "vmx" => XenDomainType.HVM,
                    "linux" => XenDomainType.PV,
                    _ => XenDomainType.Unknown,
                },
                Uuid = domain.ChildValue("uuid"),
                Disks = disks,
                Vifs = vifs,
                PciDevices = pciDevices,
            };
        }

        /// <summary>
        /// The options list inside <c>(image ...)</c>, named by the kind of image: <c>hvm</c> (<c>vmx</c> in Xen 3.0.0) for
        /// HVM, <c>linux</c> for PV.
        /// </summary>
        private static SxpNode? ImageOptions(SxpNode? image) => image?.FirstList(1);

        /// <summary>
        /// The cdrom that Xen 3.0.0 to 3.0.2 configured as an HVM image option, <c>(image (hvm ... (cdrom /path/boot.iso)))</c>,
        /// before it became a vbd with <c>hdc:cdrom</c>: xend handed it to the device model as <c>-cdrom</c>, which is the IDE
        /// secondary master (hdc), read-only. The device model opens the path itself, so there is no backend; an empty
        /// value is an empty drive.
        /// </summary>
        private static void AddImageCdrom(SxpNode? options, List<XenDisk> disks)
        {
            if (options is null || (options.Name != "hvm" && options.Name != "vmx") || options.Child("cdrom") is null) return;
            var path = options.ChildValue("cdrom");
            disks.Add(new XenDisk
            {
                Path = string.IsNullOrEmpty(path) ? null : path,
                Target = "hdc",
                Mode = "r",
                IsCdrom = true,
            });
        }

        private static XenDisk ToDisk(SxpNode device)
        {
            var (backend, path) = SplitUname(device.ChildValue("uname"));
            var dev = (device.ChildValue("dev") ?? "").Split(':');
            return new XenDisk
            {
                Path = path,
                Backend = backend,
                Target = dev.FirstOrDefault(part => part != "ioemu" && part != "disk" && part != "cdrom") ?? "",
                Mode = device.ChildValue("mode") ?? "w",
                IsCdrom = dev.Contains("cdrom"),
            };
        }

        /// <summary>
        /// <c>file:/img</c> → (file, /img); <c>phy:hda1</c> → (phy, hda1); <c>tap:aio:/img</c> → (tap:aio, /img);
        /// <c>tap:tapdisk:aio:/img</c> → (tap:tapdisk:aio, /img). Only the first colon splits a file or phy path, so
        /// paths holding colons survive. No uname (an empty cdrom drive) gives a null path.
        /// </summary>
        internal static (string Backend, string? Path) SplitUname(string? uname)
        {
            if (string.IsNullOrEmpty(uname)) return ("", null);
            var colon = uname!.IndexOf(':');
            if (colon < 0) return ("", uname);
            var backend = uname.Substring(0, colon);
            var rest = uname.Substring(colon + 1);
            if (backend == "tap" || backend == "tap2")
            {
                for (var next = rest.IndexOf(':'); next > 0 && rest.Take(next).All(char.IsLetterOrDigit); next = rest.IndexOf(':'))
                {
                    backend += ":" + rest.Substring(0, next);
                    rest = rest.Substring(next + 1);
                }
            }
            return (backend, rest.Length == 0 ? null : rest);
        }

        private static XenVif ToVif(SxpNode device) => new XenVif
        {
            Bridge = device.ChildValue("bridge"),
            Mac = device.ChildValue("mac"),
            Model = device.ChildValue("model"),
        };

        /// <summary><c>(dev (domain 0x0000) (bus 0x01) (slot 0x00) (func 0x0))</c> → <c>0000:01:00.0</c>.</summary>
        private static IEnumerable<string> PciAddresses(SxpNode device) =>
            device.Children("dev")
                .SelectMany(PciRecords)
                .Where(field => Numbers.Hex(field("bus")) != null && Numbers.Hex(field("slot")) != null)
                .Select(field => PciAddress.Format(
                    Numbers.Hex(field("domain")) ?? 0,
                    Numbers.Hex(field("bus")) ?? 0,
                    Numbers.Hex(field("slot")) ?? 0,
                    Numbers.Hex(field("func")) ?? 0));

        /// <summary>
        /// The field readers of the functions in one <c>dev</c> element. xend prints either the fields themselves,
        /// <c>(dev (domain 0x0000) (bus 0x03) ...)</c>, or one unnamed list per function,
        /// <c>(dev ((slot 0x00) (domain 0x0000) ...) ...)</c>.
        /// </summary>
        private static IEnumerable<Func<string, string?>> PciRecords(SxpNode dev)
        {
            var functions = dev.Items.Skip(1).Where(item => !item.IsAtom && item.Name == null).ToList();
            if (functions.Count == 0) return new Func<string, string?>[] { dev.ChildValue };
            return functions.Select(function => (Func<string, string?>)(name =>
                function.Items.FirstOrDefault(field => field.Name == name) is { } found && found.Items.Count > 1 ? found.Items[1].Value : null));
        }
    }
}
