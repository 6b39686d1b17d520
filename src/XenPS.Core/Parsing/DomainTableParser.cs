using XenPS.Core.Text;

namespace XenPS.Core.Parsing
{
    /// <summary>
    /// Reads the domain table of <c>xm list</c> and <c>xl list</c>: the xm 4.x header <c>Name ID Mem VCPUs State Time(s)</c>,
    /// the xm 3.0 header <c>Name ID Mem(MiB) VCPUs State Time(s)</c>, and the xl header with its TAB characters or with them
    /// expanded to spaces. Lines before the header are ignored.
    /// </summary>
    public static class DomainTableParser
    {
        /// <summary>
        /// Every row after the header, in order. Each row is read from the right (time, state, VCPUs, memory, ID), so a name
        /// wider than its 40 columns or containing spaces survives; the ID is taken only when it is a number, so a blank
        /// ID column gives a null <see cref="DomainRow.Id"/>.
        /// </summary>
        /// <exception cref="XenParseException">There is no header line, or a row does not end with memory, VCPUs, state and time.</exception>
        public static IReadOnlyList<DomainRow> Parse(string text) =>
            ReadLines(text).Select(line => line.Row ?? throw NotARow(line)).ToList();

        /// <summary>
        /// Every non-blank line after the header, in order, each with its row, or with none when it is not a row (a part of a domain
        /// name that holds a line break, or a message). The row's <see cref="DomainRow.Name"/> keeps the text before the ID column
        /// with only the padding spaces after it removed.
        /// </summary>
        /// <exception cref="XenParseException">There is no header line.</exception>
        public static IReadOnlyList<TableLine> ReadLines(string text)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var lines = text.Replace("\r\n", "\n").Split('\n');
            var header = Array.FindIndex(lines, IsHeader);
            if (header < 0)
            {
                throw new XenParseException("The text is not an xm list or xl list table: it has no 'Name ID Mem VCPUs State Time(s)' header line.");
            }
            var read = new List<TableLine>();
            for (var i = header + 1; i < lines.Length; i++)
            {
                if (lines[i].Trim().Length == 0) continue;
                read.Add(new TableLine(lines[i], i + 1, ParseRow(lines[i])));
            }
            return read;
        }

        private static XenParseException NotARow(TableLine line) => new XenParseException(
            $"Line {line.LineNumber} of the domain list is not a domain row (name, ID, memory, VCPUs, state, time): '{VisibleText.Escape(line.Text.Trim())}'.");

        private static bool IsHeader(string line)
        {
            var words = Words(line).Select(w => line.Substring(w.Start, w.Length)).ToList();
            return words.Count > 0 && words[0] == "Name" && words.Contains("ID") && words.Contains("State");
        }

        private static DomainRow? ParseRow(string line)
        {
            var words = Words(line);
            string At(int fromRight) => line.Substring(words[words.Count - fromRight].Start, words[words.Count - fromRight].Length);
            var time = words.Count >= 5 ? Numbers.Double(At(1)) : null;
            var vcpus = words.Count >= 5 ? Numbers.Int(At(3)) : null;
            var memory = words.Count >= 5 ? Numbers.Long(At(4)) : null;
            if (time is null || vcpus is null || memory is null) return null;
            var id = words.Count >= 6 ? Numbers.Int(At(5)) : null;
            var nameEnd = words[words.Count - (id is null ? 5 : 6)];
            return new DomainRow
            {
                Name = line.Substring(0, nameEnd.Start + nameEnd.Length),
                Id = id,
                MemoryMB = memory.Value,
                VCpus = vcpus.Value,
                StateFlags = At(2),
                CpuTimeSeconds = time.Value,
            };
        }

        /// <summary>Start and length of every run of non-whitespace characters (spaces and TABs both separate).</summary>
        private static List<(int Start, int Length)> Words(string line)
        {
            var words = new List<(int Start, int Length)>();
            var i = 0;
            while (i < line.Length)
            {
                if (char.IsWhiteSpace(line[i]))
                {
                    i++;
                    continue;
                }
                var start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
                words.Add((start, i - start));
            }
            return words;
        }
    }

    /// <summary>A line of a domain table after its header.</summary>
    /// <param name="Text">The line as printed.</param>
    /// <param name="LineNumber">1-based, in the whole text.</param>
    /// <param name="Row">The row the line reads as, or null.</param>
    public sealed record TableLine(string Text, int LineNumber, DomainRow? Row);
}
