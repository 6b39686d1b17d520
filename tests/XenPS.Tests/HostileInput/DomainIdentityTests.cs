using System.Collections.Generic;
using System.Linq;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.HostileInput
{
    /// <summary>The guest is found by its exact name, and its outcome is read on the entries with its UUID.</summary>
    public sealed class DomainIdentityTests
    {
        private const string Moved = "5d3c2f9a-7e1b-4c6d-9a0e-2b8f4c1d7e63";
        private const string Other = "0b4e1f2a-3c5d-4e6f-8a9b-1c2d3e4f5a6b";

        private static string Domain(int id, string name, string uuid) =>
            $"(domain (domid {id}) (uuid {uuid}) (vcpus 1) (online_vcpus 1) (cpu_time 1.0) (name {name}) (memory 16) (maxmem 16) (state -b----) (image (linux (kernel /boot/vmlinuz))))\n";

        private static HostView Read(string list, string guest, string? uuid)
        {
            var view = new HostView("dom0-b", Toolstack.Xm, "4.0.1");
            view.Read(new Dictionary<string, RemoteResult>
            {
                ["list"] = new RemoteResult(0, list, ""),
                ["receivers"] = new RemoteResult(0, "", ""),
            }, guest, uuid);
            return view;
        }

        [Fact]
        public void AnotherGuestOfTheSameNameIsNotTheOneMigrated()
        {
            var view = Read(Domain(0, "Domain-0", "00000000-0000-0000-0000-000000000000") + Domain(4, "1", Other) + Domain(9, "migrating-1", Moved), "1", Moved);

            Assert.Null(view.Guest("1"));
            Assert.Equal("migrating-1", Assert.Single(view.Entries!).Name);
        }

        [Fact]
        public void WithoutAUuidEveryEntryOfTheNameCounts()
        {
            var view = Read(Domain(0, "Domain-0", "00000000-0000-0000-0000-000000000000") + Domain(4, "1", Other), "1", null);

            Assert.Equal(4, view.Guest("1")!.Id);
        }

        [Fact]
        public void TheGuestNamedOneIsNotTheDomainWithIdOne()
        {
            var domains = new List<XenDomain>
            {
                new XenDomain { Name = "tiny", Id = 1 },
                new XenDomain { Name = "1--incoming", Id = 3 },
                new XenDomain { Name = "1", Id = 5 },
            };

            Assert.Equal(5, XenDomain.Find(domains, "1")!.Id);
            Assert.Equal(3, XenDomain.Find(domains.Where(d => d.Id != 5).ToList(), "1")!.Id);
        }

        [Theory]
        [InlineData(Moved, Moved, true)]
        [InlineData("5D3C2F9A-7E1B-4C6D-9A0E-2B8F4C1D7E63", Moved, true)]
        [InlineData(Other, Moved, false)]
        [InlineData(null, Moved, true)]
        [InlineData(Other, null, true)]
        [InlineData("", Moved, true)]
        public void UuidsAreComparedWhenBothAreKnown(string? listed, string? expected, bool same)
        {
            Assert.Equal(same, DomainUuid.SameOrUnknown(listed, expected));
        }
    }
}
