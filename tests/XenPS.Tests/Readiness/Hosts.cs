using System.Collections.Generic;
using XenPS.Core.Model;
using XenPS.Core.Readiness;
using XenPS.Core.Relocation;
using XenPS.Core.Toolstacks;

namespace XenPS.Tests.Readiness
{
    /// <summary>Measured facts of typical dom0s, for the rule tests: the original pair (xm, Xen 4.0.1, AMD) and an xl pair.</summary>
    internal static class Hosts
    {
        public static readonly string[] AmdFlags = { "fpu", "lm", "nx", "sse2", "sse4a", "svm" };

        public static HostFacts Xm(string name, long freeMB = 3070) => new HostFacts
        {
            Name = name,
            Tools = new ToolFacts { XmPath = "/usr/sbin/xm", XendPath = "/usr/sbin/xend", XendRunning = true, Toolstack = Toolstack.Xm },
            Host = new XenHost
            {
                ComputerName = name,
                Toolstack = Toolstack.Xm,
                XenVersion = "4.0.1",
                XenMajor = 4,
                XenMinor = 0,
                Architecture = "x86_64",
                TotalMemoryMB = 6142,
                FreeMemoryMB = freeMB,
                CpuVendor = "AuthenticAMD",
                CpuModel = "AMD Phenom(tm) II X4 945 Processor",
                CpuFlags = AmdFlags,
                Bridges = new[] { "xenbr0" },
            },
            Domains = new[] { Dom0(1024) },
            Xend = new XendSettings
            {
                Relocation = new XendRelocationConfig { ComputerName = name, Path = "/etc/xen/xend-config.sxp", FileExists = true, Server = true, HostsAllow = new[] { "^dom0-a$" } },
                Dom0MinMemMB = 196,
                Dom0Ballooning = true,
            },
            Listeners = new[] { ("0.0.0.0", 22), ("0.0.0.0", 8002) },
        };

        public static HostFacts Xl(string name, long freeMB = 3071)
        {
            var host = Xm(name, freeMB);
            host.Tools = new ToolFacts { XlPath = "/usr/sbin/xl", Toolstack = Toolstack.Xl };
            host.Host.Toolstack = Toolstack.Xl;
            host.Host.XenVersion = "4.17.5";
            host.Host.XenMinor = 17;
            host.Xend = null;
            host.XendError = null;
            return host;
        }

        public static XenDomain Dom0(long memoryMB) => new XenDomain { Name = "Domain-0", Id = 0, MemoryMB = memoryMB, MaxMemoryMB = memoryMB, VCpus = 4, State = XenDomainState.Running, StateFlags = "r-----" };

        /// <summary>The original guest: 1536 MiB, one vCPU, its image on the shared /THECUS_NFS, one vif on xenbr0.</summary>
        public static XenDomain ComXp1() => new XenDomain
        {
            Name = "com-xp1",
            Id = 1,
            ComputerName = "dom0-a",
            State = XenDomainState.Blocked,
            StateFlags = "-b----",
            MemoryMB = 1536,
            MaxMemoryMB = 1536,
            VCpus = 1,
            Disks = new[] { new XenDisk { Path = "/THECUS_NFS/com-xp1.img", Backend = "file", Target = "hda", Mode = "w" } },
            Vifs = new[] { new XenVif { Bridge = "xenbr0", Mac = "00:16:3e:4a:21:07" } },
        };

        public static HostFacts With(this HostFacts host, params XenDomain[] domains)
        {
            var all = new List<XenDomain>(host.Domains);
            all.AddRange(domains);
            host.Domains = all;
            return host;
        }

        public static HostFacts Unreachable(string name) => HostFacts.Unreachable(name, $"No session to {name}: Connection refused.");
    }
}
