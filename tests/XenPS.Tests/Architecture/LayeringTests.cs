using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using XenPS.Core.Model;
using Xunit;

namespace XenPS.Tests.Architecture
{
    /// <summary>The dependency rules of ARCHITECTURE.md, read from the source of XenPS.Core.</summary>
    public class LayeringTests
    {
        /// <summary>Each folder's layer: a folder uses folders of lower layers, and of its own where the layer is shared.</summary>
        private static readonly Dictionary<string, int> Layers = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["Text"] = 1,
            ["Compatibility"] = 1,
            ["Model"] = 2,
            ["Parsing"] = 3,
            ["Remote"] = 4,
            ["Scripts"] = 4,
            ["Toolstacks"] = 5,
            ["Lab"] = 5,
            ["Sessions"] = 6,
            ["Relocation"] = 7,
            ["Migration"] = 8,
            ["Readiness"] = 9,
        };

        /// <summary>Layers whose folders may use one another.</summary>
        private static readonly HashSet<int> SharedLayers = new HashSet<int> { 4 };


        private static readonly Regex UsingCore = new Regex(@"^\s*using\s+XenPS\.Core\.([A-Za-z]+)\s*;", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        [Fact]
        public void XenPSCoreDoesNotReferencePowerShell()
        {
            var references = typeof(XenDomain).Assembly.GetReferencedAssemblies().Select(a => a.Name);

            Assert.DoesNotContain("System.Management.Automation", references);
        }

        [Fact]
        public void EveryFolderOfXenPSCoreHasALayer()
        {
            Assert.Equal(Layers.Keys.OrderBy(k => k, StringComparer.Ordinal), Folders().Select(Path.GetFileName).OrderBy(k => k, StringComparer.Ordinal));
        }

        [Fact]
        public void FoldersUseOnlyTheLayersBelowThem()
        {
            var wrong = new List<string>();
            foreach (var folder in Folders())
            {
                var name = Path.GetFileName(folder);
                var used = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                    .SelectMany(file => UsingCore.Matches(File.ReadAllText(file)).Cast<Match>().Select(m => (File: Path.GetFileName(file), Folder: m.Groups[1].Value)));
                foreach (var (file, target) in used.Where(u => u.Folder != name))
                {
                    if (Allowed(name, target)) continue;
                    wrong.Add($"{name}/{file} uses {target}");
                }
            }

            Assert.Empty(wrong.Distinct());
        }

        [Fact]
        public void OnlyTheToolstacksTheParsersAndTheModelTellXmFromXl()
        {
            var owners = new[] { "Toolstacks", "Parsing", "Model" };
            var cmdlets = Path.Combine(Path.GetDirectoryName(Folders().First())!, "..", "XenPS");
            var folders = Folders().Where(f => !owners.Contains(Path.GetFileName(f))).Append(cmdlets);
            var branching = folders
                .SelectMany(f => Directory.GetFiles(f, "*.cs", SearchOption.AllDirectories))
                .Where(file => !file.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Where(file => KindBranch.IsMatch(File.ReadAllText(file)))
                .Select(Path.GetFileName);

            Assert.Empty(branching);
        }

        private static readonly Regex KindBranch = new Regex(@"\bToolstack\.X[ml]\b", RegexOptions.CultureInvariant);

        private static bool Allowed(string folder, string target)
        {
            if (!Layers.TryGetValue(target, out var targetLayer)) return false;
            var layer = Layers[folder];
            return targetLayer < layer || (targetLayer == layer && SharedLayers.Contains(layer));
        }

        /// <summary>The folders of src/XenPS.Core that hold source, found from the test's own folder upwards.</summary>
        private static IEnumerable<string> Folders()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var core = Path.Combine(dir.FullName, "src", "XenPS.Core");
                if (!Directory.Exists(core)) continue;
                return Directory.GetDirectories(core)
                    .Where(d => Path.GetFileName(d) is not ("bin" or "obj"))
                    .Where(d => Directory.GetFiles(d, "*.cs", SearchOption.AllDirectories).Length > 0)
                    .ToList();
            }
            throw new DirectoryNotFoundException($"No src/XenPS.Core in {AppContext.BaseDirectory} or any of its parents: run the tests from the repository.");
        }
    }
}
