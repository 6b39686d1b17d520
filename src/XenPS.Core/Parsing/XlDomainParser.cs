using System.Text.Json;
using System.Text.RegularExpressions;
using XenPS.Core.Text;
using XenPS.Core.Model;

namespace XenPS.Core.Parsing
{
    /// <summary>Builds domains from <c>xl list</c> (the set of domains and their runtime values) and <c>xl list -l</c> (their configuration, JSON).</summary>
    public static class XlDomainParser
    {
        private static readonly Regex StaleDomainLine = new Regex(@"Domain ([0-9]+):Fail to get domain configuration", RegexOptions.CultureInvariant);

        private sealed class Details
        {
            public int? DomId { get; set; }

            public string? Name { get; set; }

            public JsonElement? Config { get; set; }
        }

        /// <summary>
        /// The domains of <c>xl list -l</c> (<paramref name="xlListLongJson"/>, its stderr <paramref name="xlListLongStderr"/>) and
        /// <c>xl list</c> (<paramref name="xlListText"/>), as <see cref="Parse(string, string, string, string, ICollection{string})"/>
        /// reads them, without its warnings.
        /// </summary>
        public static IReadOnlyList<XenDomain> Parse(string xlListText, string xlListLongJson, string computerName, string xlListLongStderr = "") =>
            Parse(xlListText, xlListLongJson, computerName, xlListLongStderr, new List<string>());

        /// <summary>
        /// One <see cref="XenDomain"/> (Toolstack Xl) per entry of the JSON, in its order: the exact name (<c>c_info.name</c>), UUID,
        /// type, maximum memory, disks, nics and PCI devices from the JSON; ID, memory, VCPUs, state and CPU time from the table row
        /// with the same domid. A table row is never read for a name: a name can hold spaces, line breaks or text that looks like a row.
        /// The lines of a name with line breaks are matched to the table too. What the two outputs disagree on is said:
        /// a domain that the JSON leaves out because libxl could not read its configuration (stderr <c>Domain N:Fail to get domain
        /// configuration</c>, as for a stale <c>NAME--incoming</c>) is listed from its table row with <see cref="XenDomain.Inconsistency"/>
        /// set; a JSON entry without a row keeps the state Unknown, flagged; a table row or line that belongs to no domain is left out
        /// and added to <paramref name="warnings"/>. Every JSON member is optional: libxl omits members whose value is the default
        /// (so an absent <c>readwrite</c> or <c>is_cdrom</c> means 0). Blank JSON gives the table's domains, flagged.
        /// </summary>
        /// <exception cref="XenParseException">The table has no header, or the long listing is not JSON (for example xl's SXP form).</exception>
        public static IReadOnlyList<XenDomain> Parse(string xlListText, string xlListLongJson, string computerName, string xlListLongStderr, ICollection<string> warnings)
        {
            if (xlListText is null) throw new ArgumentNullException(nameof(xlListText));
            if (xlListLongJson is null) throw new ArgumentNullException(nameof(xlListLongJson));
            if (computerName is null) throw new ArgumentNullException(nameof(computerName));
            if (warnings is null) throw new ArgumentNullException(nameof(warnings));
            var lines = DomainTableParser.ReadLines(xlListText);
            using var document = ReadJson(xlListLongJson);
            var details = document is null ? new List<Details>() : ReadDetails(document.RootElement);
            var used = new bool[lines.Count];
            var domains = new List<XenDomain>();
            foreach (var entry in details)
            {
                var row = FindRow(lines, used, entry);
                var domain = ToDomain(entry.Name ?? "", entry.DomId ?? row?.Row?.Id, row?.Row, entry.Config, computerName);
                if (row is null) domain.Inconsistency = "xl list shows no row for this domain (it may have been created or destroyed between xl list and xl list -l): its state is not known.";
                domains.Add(domain);
            }
            var unreadable = StaleDomainIds(xlListLongStderr ?? "");
            for (var i = 0; i < lines.Count; i++)
            {
                if (used[i]) continue;
                var row = lines[i].Row;
                if (row?.Id is int id && (document is null || unreadable.Contains(id)))
                {
                    var domain = ToDomain(row.Name, id, row, null, computerName);
                    domain.Inconsistency = document is null
                        ? "xl list -l printed nothing: this domain's name and values come from the xl list table, where trailing spaces of a name are lost."
                        : $"xl list -l printed no configuration for this domain (libxl: Domain {id}:Fail to get domain configuration): its name and values come from the xl list table, where trailing spaces of a name are lost.";
                    domains.Add(domain);
                    continue;
                }
                warnings.Add($"{computerName}: line {lines[i].LineNumber} of xl list, '{VisibleText.Escape(lines[i].Text.TrimEnd())}', belongs to no domain of xl list -l; it was left out.");
            }
            return domains;
        }

        /// <summary>
        /// The domain of <c>xl create -n</c>'s output: one libxl_domain_config as JSON, the form of a <c>config</c> member of
        /// <c>xl list -l</c>. It has no domain id and no state: it does not run.
        /// </summary>
        /// <exception cref="XenParseException">The output is empty, not JSON, or names no domain.</exception>
        public static XenDomain ParseConfig(string dryRunJson, string computerName)
        {
            if (dryRunJson is null) throw new ArgumentNullException(nameof(dryRunJson));
            using var document = ReadJson(dryRunJson) ?? throw new XenParseException("xl create -n printed nothing.");
            var config = document.RootElement;
            var name = config.ValueKind == JsonValueKind.Object ? String(Member(Member(config, "c_info"), "name")) : null;
            if (string.IsNullOrEmpty(name)) throw new XenParseException("xl create -n printed a configuration without a domain name (c_info.name).");
            return ToDomain(name!, null, null, config, computerName);
        }

        /// <summary>
        /// The table line of <paramref name="entry"/>: the unused row with its domid (with its exact name when the entry has no domid), whose name column and the lines before it spell the
        /// entry's name (xl prints the name, padded to 40 columns, then the domid); those lines are marked used.
        /// </summary>
        private static TableLine? FindRow(IReadOnlyList<TableLine> lines, bool[] used, Details entry)
        {
            var parts = (entry.Name ?? "").Replace("\r\n", "\n").Split('\n');
            for (var i = 0; i < lines.Count; i++)
            {
                var row = lines[i].Row;
                if (used[i] || row is null || (entry.DomId is null ? row.Name != entry.Name : row.Id != entry.DomId)) continue;
                var first = i - (parts.Length - 1);
                if (first < 0 || !Spells(lines, used, first, parts, row)) continue;
                for (var k = first; k <= i; k++) used[k] = true;
                return lines[i];
            }
            return null;
        }

        private static bool Spells(IReadOnlyList<TableLine> lines, bool[] used, int first, string[] parts, DomainRow row)
        {
            for (var k = 0; k < parts.Length - 1; k++)
            {
                if (used[first + k] || lines[first + k].Text != parts[k]) return false;
            }
            return row.Name == parts[parts.Length - 1].TrimEnd();
        }

        /// <summary>The domids that libxl names in <c>Domain N:Fail to get domain configuration</c> lines.</summary>
        /// <exception cref="XenParseException">A line names a number too large to be a domid.</exception>
        private static HashSet<int> StaleDomainIds(string stderr) => new HashSet<int>(
            StaleDomainLine.Matches(stderr).Cast<Match>().Select(m => int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw new XenParseException($"The stderr of xl list -l names domain {VisibleText.Shorten(m.Groups[1].Value)}, which is too large to be a domid: '{VisibleText.Shorten(m.Value)}'.")));

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
            catch (ArgumentException e)
            {
                // JsonDocument transcodes the text to UTF-8 first and refuses a lone surrogate, which no UTF-8 output decodes to.
                throw new XenParseException($"The output of xl list -l is not valid text: {e.Message}", e);
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

        private static XenDomain ToDomain(string name, int? id, DomainRow? row, JsonElement? config, string computerName)
        {
            var cInfo = Member(config, "c_info");
            var bInfo = Member(config, "b_info");
            var maxMemKb = Long(Member(bInfo, "max_memkb"));
            var targetMemKb = Long(Member(bInfo, "target_memkb"));
            var flags = row?.StateFlags ?? "";
            var memory = row?.MemoryMB ?? (targetMemKb ?? maxMemKb ?? 0) / 1024;
            return new XenDomain
            {
                Name = name,
                Id = id,
                ComputerName = computerName,
                Toolstack = Toolstack.Xl,
                StateFlags = flags,
                State = DomainStates.From(name, flags),
                MemoryMB = memory,
                MaxMemoryMB = maxMemKb is long kb ? kb / 1024 : memory,
                VCpus = row?.VCpus ?? Int(Member(bInfo, "max_vcpus")) ?? 0,
                CpuTimeSeconds = row?.CpuTimeSeconds ?? 0,
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
            JsonValueKind.String => Text(element.Value),
            JsonValueKind.Number => element.Value.GetRawText(),
            _ => null,
        };

        private static int? Int(JsonElement? element) =>
            Long(element) is long value && value >= int.MinValue && value <= int.MaxValue ? (int)value : (int?)null;

        private static long? Long(JsonElement? element) => element?.ValueKind switch
        {
            JsonValueKind.Number => element.Value.TryGetInt64(out var value) ? value : (long?)null,
            JsonValueKind.String => Numbers.Long(Text(element.Value)),
            _ => null,
        };

        /// <summary>
        /// The text of a JSON string. JSON's grammar lets an escape such as <c>"\ud800"</c> name half a surrogate pair, which is
        /// no text at all and which <see cref="JsonElement.GetString"/> refuses.
        /// </summary>
        private static string Text(JsonElement element)
        {
            try
            {
                return element.GetString()!;
            }
            catch (InvalidOperationException e)
            {
                throw new XenParseException($"The output of xl list -l holds a string that is not valid UTF-16 text: {VisibleText.Shorten(element.GetRawText())}.", e);
            }
        }
    }
}
