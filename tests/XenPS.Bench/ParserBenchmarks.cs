using BenchmarkDotNet.Attributes;
using XenPS.Core.Model;
using XenPS.Core.Parsing;

namespace XenPS.Bench
{
    /// <summary>The parsers Get-XenDomain runs on a dom0's listing, on the output of Domain-0 and 999 guests.</summary>
    [MemoryDiagnoser]
    public class ParserBenchmarks
    {
        /// <summary>Guests besides Domain-0.</summary>
        public const int Guests = 999;

        private DomainOutputs outputs = null!;

        /// <summary>tests/reference, set by the program before the run (the benchmarks run in its process).</summary>
        public static string ReferenceDirectory { get; set; } = "";

        [GlobalSetup]
        public void Setup() => outputs = DomainOutputs.Create(ReferenceDirectory, Guests);

        [Benchmark(Description = "xl list + xl list -l")]
        public IReadOnlyList<XenDomain> Xl() => XlDomainParser.Parse(outputs.XlList, outputs.XlListLong, "h01");

        [Benchmark(Description = "xm list --long")]
        public IReadOnlyList<XenDomain> Xm() => XmDomainParser.Parse(outputs.XmListLong, "dom0-a");

        /// <summary>The SXP reading alone of <see cref="Xm"/>: what of its time the reader takes, and what the domains.</summary>
        [Benchmark(Description = "xm list --long, SXP read only")]
        public IReadOnlyList<SxpNode> XmSxp() => SxpReader.Parse(outputs.XmListLong);
    }
}
