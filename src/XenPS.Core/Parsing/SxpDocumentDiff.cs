namespace XenPS.Core.Parsing
{
    public sealed partial class SxpDocument
    {
        /// <summary>
        /// The lines that differ between <paramref name="before"/> and <paramref name="after"/> (a longest-common-subsequence
        /// line diff), in file order; empty when the texts are equal. Within a run of differing lines, removed and inserted
        /// lines are paired up as changed lines.
        /// </summary>
        public static IReadOnlyList<SxpLineChange> Diff(SxpDocument before, SxpDocument after)
        {
            if (before is null) throw new ArgumentNullException(nameof(before));
            if (after is null) throw new ArgumentNullException(nameof(after));
            var a = Lines(before._text);
            var b = Lines(after._text);

            var prefix = 0;
            while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix]) prefix++;
            var suffix = 0;
            while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix]) suffix++;
            int n = a.Count - prefix - suffix, m = b.Count - prefix - suffix;

            // common[i, j]: length of the longest common subsequence of a[prefix+i ..] and b[prefix+j ..] within the middle.
            var common = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    common[i, j] = a[prefix + i] == b[prefix + j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
                }
            }

            var changes = new List<SxpLineChange>();
            var removed = new List<int>();
            var inserted = new List<int>();
            void Flush()
            {
                for (var k = 0; k < Math.Max(removed.Count, inserted.Count); k++)
                {
                    changes.Add(k < inserted.Count
                        ? new SxpLineChange(inserted[k] + 1, k < removed.Count ? Display(a[removed[k]]) : null, Display(b[inserted[k]]))
                        : new SxpLineChange(removed[k] + 1, Display(a[removed[k]]), null));
                }
                removed.Clear();
                inserted.Clear();
            }

            for (int i = 0, j = 0; i < n || j < m;)
            {
                if (i < n && j < m && a[prefix + i] == b[prefix + j])
                {
                    Flush();
                    i++;
                    j++;
                }
                else if (j >= m || i < n && common[i + 1, j] >= common[i, j + 1])
                {
                    removed.Add(prefix + i++);
                }
                else
                {
                    inserted.Add(prefix + j++);
                }
            }
            Flush();
            return changes;
        }

        /// <summary>The lines of <paramref name="text"/> with their carriage returns (so a changed line ending shows), without the line feeds.</summary>
        private static List<string> Lines(string text)
        {
            var lines = text.Split('\n').ToList();
            if (lines[lines.Count - 1].Length == 0) lines.RemoveAt(lines.Count - 1);
            return lines;
        }

        private static string Display(string line) => line.TrimEnd('\r');
    }
}
