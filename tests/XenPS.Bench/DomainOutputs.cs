using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace XenPS.Bench
{
    /// <summary>
    /// The output of a dom0 with many domains, built from the repository's captures of real Xen (tests/reference): Domain-0 as
    /// captured, then copies of the captured guest that differ in domid, name and UUID, as the tools print them.
    /// </summary>
    public sealed class DomainOutputs
    {
        private const string XlListCapture = "xl-list.xen-4.17.5-debian12-x86_64-qemu.txt";
        private const string XlListLongCapture = "xl-list-l.xen-4.17.5-debian12-pv.json";
        private const string XmListLongCapture = "xm-list-long.xen-4.0.1-debian-ganeti.sxp";

        private DomainOutputs(string xlList, string xlListLong, string xmListLong)
        {
            XlList = xlList;
            XlListLong = xlListLong;
            XmListLong = xmListLong;
        }

        /// <summary><c>xl list</c>: the table.</summary>
        public string XlList { get; }

        /// <summary><c>xl list -l</c>: libxl's JSON, indented four spaces as xl prints it.</summary>
        public string XlListLong { get; }

        /// <summary><c>xm list --long</c>: concatenated <c>(domain ...)</c> blocks.</summary>
        public string XmListLong { get; }

        /// <summary>Domain-0 and <paramref name="guests"/> guests, for xl and for xm.</summary>
        public static DomainOutputs Create(string referenceDirectory, int guests)
        {
            var table = File.ReadAllLines(Path.Combine(referenceDirectory, XlListCapture));
            var entries = JsonNode.Parse(File.ReadAllText(Path.Combine(referenceDirectory, XlListLongCapture)))!.AsArray();
            var xmBlocks = Regex.Split(File.ReadAllText(Path.Combine(referenceDirectory, XmListLongCapture)), @"(?m)^(?=\(domain$)")
                .Where(b => b.Length > 0).ToArray();
            var xlGuest = entries[1]!;
            var xmGuest = xmBlocks[1];

            var list = new StringBuilder().AppendLine(table[0]).AppendLine(table[1]);
            var json = new JsonArray(entries[0]!.DeepClone());
            var xm = new StringBuilder(xmBlocks[0]);
            for (var id = 1; id <= guests; id++)
            {
                var name = $"guest{id:D4}";
                var uuid = $"9dc5274a-c87c-4245-aa76-{id:x12}";
                // xl's own row format (xl_info.c list_domains): "%-40s %5d %5lu %5d     %s  %8.1f".
                list.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-40} {1,5} {2,5} {3,5}     {4}  {5,8:F1}",
                    name, id, 128, 1, "-b----", 9.7 + id));
                var entry = xlGuest.DeepClone();
                entry["domid"] = id;
                entry["config"]!["c_info"]!["name"] = name;
                entry["config"]!["c_info"]!["uuid"] = uuid;
                json.Add(entry);
                xm.Append(ReplaceChild(ReplaceChild(ReplaceChild(xmGuest, "domid", (100 + id).ToString(CultureInfo.InvariantCulture)), "name", name), "uuid", uuid));
            }
            var indented = new JsonSerializerOptions { WriteIndented = true, IndentSize = 4 };
            return new DomainOutputs(list.ToString(), json.ToJsonString(indented) + "\n", xm.ToString());
        }

        /// <summary>The domain's own child (indented four spaces, as xm prints it), not a device's of the same name.</summary>
        private static string ReplaceChild(string block, string child, string value)
        {
            var pattern = new Regex($@"(?m)^    \({child} [^)\n]*\)$");
            if (!pattern.IsMatch(block)) throw new InvalidOperationException($"The xm capture's guest has no ({child} ...) line.");
            return pattern.Replace(block, $"    ({child} {value})", 1);
        }
    }
}
