using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace XenPS.Tests
{
    /// <summary>
    /// The byte-exact toolstack captures the repository carries in <c>tests/reference</c> (their origins are in its SOURCES.md).
    /// The folder is the one named by the environment variable XENPS_REFERENCE_DIR, or else the repository's own, found by
    /// walking up from the test assembly's folder.
    /// </summary>
    public static class ReferenceSamples
    {
        public const string EnvironmentVariable = "XENPS_REFERENCE_DIR";

        private static readonly Lazy<string> Folder = new Lazy<string>(Locate);

        public static string Directory => Folder.Value;

        /// <summary>The text of one sample, exactly as stored.</summary>
        public static string Read(string fileName) => File.ReadAllText(Path.Combine(Directory, fileName));

        /// <summary>The names of the samples that match <paramref name="pattern"/> (e.g. <c>xm-list-long.*</c>), sorted.</summary>
        public static IReadOnlyList<string> Names(string pattern) =>
            System.IO.Directory.GetFiles(Directory, pattern).Select(Path.GetFileName).Select(n => n!).OrderBy(n => n, StringComparer.Ordinal).ToList();

        /// <summary>xunit member data: one row per sample name that matches <paramref name="pattern"/>.</summary>
        public static IEnumerable<object[]> Cases(string pattern) => Names(pattern).Select(n => new object[] { n });

        private static string Locate()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                if (System.IO.Directory.Exists(fromEnvironment)) return fromEnvironment;
                throw new DirectoryNotFoundException($"{EnvironmentVariable} names '{fromEnvironment}', which is not a folder.");
            }
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "reference");
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException(
                $"No tests/reference folder in {AppContext.BaseDirectory} or any of its parents. Run the tests from the repository, or set {EnvironmentVariable} to a folder of captures.");
        }
    }
}
