namespace XenPS.Core.Parsing
{
    /// <summary>One row of the <c>xm list</c> / <c>xl list</c> table.</summary>
    public sealed class DomainRow
    {
        public string Name { get; set; } = "";

        /// <summary>Null when the ID column is blank (an xm managed domain that is not running).</summary>
        public int? Id { get; set; }

        public long MemoryMB { get; set; }

        public int VCpus { get; set; }

        /// <summary>The state characters as printed, e.g. <c>r-----</c>.</summary>
        public string StateFlags { get; set; } = "";

        public double CpuTimeSeconds { get; set; }

        public override string ToString() => Name;
    }
}
