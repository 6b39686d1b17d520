using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using XenPS.Core.Parsing;

namespace XenPS.Bench
{
    /// <summary>
    /// <c>XenPS.Bench REFERENCE-DIR RESULT.json</c>: checks that the generated listings parse to every domain, runs
    /// <see cref="ParserBenchmarks"/> in this process with a short job, and writes each benchmark's median, range and
    /// allocation per parse to RESULT.json.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: XenPS.Bench REFERENCE-DIR RESULT.json");
                return 2;
            }
            ParserBenchmarks.ReferenceDirectory = Path.GetFullPath(args[0]);
            var outputs = DomainOutputs.Create(ParserBenchmarks.ReferenceDirectory, ParserBenchmarks.Guests);
            var xl = XlDomainParser.Parse(outputs.XlList, outputs.XlListLong, "h01", "", new List<string>());
            var xm = XmDomainParser.Parse(outputs.XmListLong, "dom0-a");
            var expected = ParserBenchmarks.Guests + 1;
            // A listing that parsed to fewer domains, or with inconsistencies, would time the wrong work.
            if (xl.Count != expected || xl.Any(d => d.Inconsistency is not null) || xm.Count != expected)
            {
                Console.Error.WriteLine($"The generated listings parse to {xl.Count} xl and {xm.Count} xm domains, not {expected} each.");
                return 1;
            }

            // In process and short: the figure is one row of build.ps1 -Task Bench, which should end within minutes.
            var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(7);
            var config = ManualConfig.CreateEmpty().AddJob(job).AddLogger(ConsoleLogger.Default)
                .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray())
                .WithArtifactsPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(args[1]))!, "BenchmarkDotNet.Artifacts"));
            var summary = BenchmarkRunner.Run<ParserBenchmarks>(config);
            var rows = summary.Reports.Select(report => new
            {
                name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                description = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                domains = expected,
                median_ms = report.ResultStatistics!.Median / 1e6,
                min_ms = report.ResultStatistics.Min / 1e6,
                max_ms = report.ResultStatistics.Max / 1e6,
                samples = report.ResultStatistics.N,
                allocated_bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase),
            }).ToList();
            if (rows.Count != 3 || summary.HasCriticalValidationErrors)
            {
                Console.Error.WriteLine("BenchmarkDotNet did not measure every benchmark.");
                return 1;
            }
            File.WriteAllText(args[1], JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
    }
}
