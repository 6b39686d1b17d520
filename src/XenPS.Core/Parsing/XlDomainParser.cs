using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using XenPS.Core.Model;

namespace XenPS.Core.Parsing
{
    /// <summary>Builds domains from <c>xl list</c> (the set of domains and their runtime values) and <c>xl list -l</c> (their configuration, JSON).</summary>
    public static class XlDomainParser
    {
        private sealed class Details
        {
            public int? DomId { get; set; }

            public string? Name { get; set; }

            public JsonElement? Config { get; set; }
        }

        /// <summary>
        /// One <see cref="XenDomain"/> (Toolstack Xl) per row of <paramref name="xlListText"/>, in its order. Name, ID, memory,
        /// VCPUs, state and CPU time come from the table; UUID, type, maximum memory, disks, nics and PCI devices from the JSON
        /// entry with the same domid (or, failing that, the same <c>c_info.name</c>). Every JSON member is optional: libxl
        /// omits members whose value is the default (so an absent <c>readwrite</c> or <c>is_cdrom</c> means 0). Blank
        /// <paramref name="xlListLongJson"/> gives domains with the table values only.
        /// </summary>
        /// <exception cref="XenParseException">The table has no header, or the long listing is not JSON (for example xl's SXP form).</exception>
        public static IReadOnlyList<XenDomain> Parse(string xlListText, string xlListLongJson, string computerName)
        {
            if (xlListText is null) throw new ArgumentNullException(nameof(xlListText));
            if (xlListLongJson is null) throw new ArgumentNullException(nameof(xlListLongJson));
            if (computerName is null) throw new ArgumentNullException(nameof(computerName));
            var rows = DomainTableParser.Parse(xlListText);
            using var document = ReadJson(xlListLongJson);
            var details = document is null ? new List<Details>() : ReadDetails(document.RootElement);
            return rows.Select(row => ToDomain(row, Find(details, row), computerName)).ToList();
        }

        private static JsonDocument? ReadJson(string text)
        {
            var trimmed = text.Trim();
            if (trimmed.Length == 0) return null;
            if (trimmed[0] == '(')
            {
                throw new XenParseException(
                    "xl list -l printed SXP, not JSON. XenPS reads xl's JSON output (Xen 4.2 and later): remove output_format=\"sxp\" from /etc/xen/xl.conf on the host.");
            }
            try
            {
                return JsonDocument.Parse(trimmed);
            }
            catch (JsonException e)
            {
                throw new XenParseException($"The output of xl list -l is not valid JSON: {e.Message}", e);
            }
        }

        private static List<Details> ReadDetails(JsonElement root)
        {
            var entries = root.ValueKind switch
            {
                JsonValueKind.Array => root.EnumerateArray().ToList(),
                JsonValueKind.Object => new List<JsonElement> { root },
                _ => throw new XenParseException($"The output of xl list -l is JSON but not a list of domains: its top level is {root.ValueKind}."),
            };
            return entries.Select(entry =>
            {
                var config = Member(entry, "config");
                return new Details
                {
                    DomId = Int(Member(entry, "domid")),
                    Name = String(Member(Member(config, "c_info"), "name")),
                    Config = config,
                };
            }).ToList();
        }

        private static Details? Find(List<Details> details, DomainRow row) =>
            details.FirstOrDefault(d => row.Id != null && d.DomId == row.Id)
            ?? details.FirstOrDefault(d => d.Name != null && d.Name == row.Name);

        private static XenDomain ToDomain(DomainRow row, Details? details, string computerName)
        {
            var config = details?.Config;
            var cInfo = Member(config, "c_info");
            var bInfo = Member(config, "b_info");
            var maxMemKb = Long(Member(bInfo, "max_memkb"));
            return new XenDomain
            {
                Name = row.Name,
                Id = row.Id,
                ComputerName = computerName,
                Toolstack = Toolstack.Xl,
                StateFlags = row.StateFlags,
                State = DomainStates.From(row.Name, row.StateFlags),
                MemoryMB = row.MemoryMB,
                MaxMemoryMB = maxMemKb is long kb ? kb / 1024 : row.MemoryMB,
                VCpus = row.VCpus,
                CpuTimeSeconds = row.CpuTimeSeconds,
                Type = DomainType(cInfo, bInfo),
                Uuid = String(Member(cInfo, "uuid")),
                Disks = Elements(Member(config, "disks")).Select(ToDisk).ToList(),
                Vifs = Elements(Member(config, "nics")).Select(ToVif).ToList(),
                PciDevices = Elements(Member(config, "pcidevs")).Select(ToPciAddress).ToList(),
            };
        }

        /// <summary><c>c_info.type</c> (pv, hvm, pvh; Xen 4.4 to 4.9 marked PVH with <c>c_info.pvh</c>), else the <c>b_info</c> <c>type.*</c> member.</summary>
        private static XenDomainType DomainType(JsonElement? cInfo, JsonElement? bInfo)
        {
            switch (String(Member(cInfo, "type")))
            {
                case "hvm": return XenDomainType.HVM;
                case "pvh": return XenDomainType.PVH;
                case "pv": return String(Member(cInfo, "pvh")) == "True" ? XenDomainType.PVH : XenDomainType.PV;
            }
            if (Member(bInfo, "type.hvm") != null) return XenDomainType.HVM;
            if (Member(bInfo, "type.pvh") != null) return XenDomainType.PVH;
            if (Member(bInfo, "type.pv") != null) return XenDomainType.PV;
            return XenDomainType.Unknown;
        }

        private static XenDisk ToDisk(JsonElement disk)
        {
            var path = String(Member(disk, "pdev_path"));
            return new XenDisk
            {
                Path = string.IsNullOrEmpty(path) ? null : path,
                Backend = String(Member(disk, "backend")) ?? "",
                Target = String(Member(disk, "vdev")) ?? "",
                Mode = (Long(Member(disk, "readwrite")) ?? 0) != 0 ? "w" : "r",
                IsCdrom = (Long(Member(disk, "is_cdrom")) ?? 0) != 0,
            };
        }

        private static XenVif ToVif(JsonElement nic) => new XenVif
        {
            Bridge = String(Member(nic, "bridge")),
            Mac = String(Member(nic, "mac")),
            Model = String(Member(nic, "model")),
        };

        /// <summary>The address members sit in the device itself, or in a nested <c>bdf</c> object in the libxl versions that had one.</summary>
        private static string ToPciAddress(JsonElement pci)
        {
            var bdf = Member(pci, "bdf") ?? pci;
            int Part(string name) => Int(Member(bdf, name)) ?? 0;
            return PciAddress.Format(Part("domain"), Part("bus"), Part("dev"), Part("func"));
        }

        private static JsonElement? Member(JsonElement? element, string name) =>
            element is JsonElement e && e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) ? value : (JsonElement?)null;

        private static IEnumerable<JsonElement> Elements(JsonElement? element) =>
            element is JsonElement e && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : Enumerable.Empty<JsonElement>();

        private static string? String(JsonElement? element) => element?.ValueKind switch
        {
            JsonValueKind.String => element.Value.GetString(),
            JsonValueKind.Number => element.Value.GetRawText(),
            _ => null,
        };

        private static int? Int(JsonElement? element) =>
            Long(element) is long value && value >= int.MinValue && value <= int.MaxValue ? (int)value : (int?)null;

        private static long? Long(JsonElement? element) => element?.ValueKind switch
        {
            JsonValueKind.Number => element.Value.TryGetInt64(out var value) ? value : (long?)null,
            JsonValueKind.String => Numbers.Long(element.Value.GetString()),
            _ => null,
        };
    }
}
