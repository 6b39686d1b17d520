using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace XenPS
{
    /// <summary>
    /// Loads XenPS.Core, SSH.NET and their dependencies from the module's <c>dependencies/</c> folder.
    /// On PowerShell 7 they go into a load context of their own, so XenPS works beside any other module
    /// (Posh-SSH, for example) that has loaded another version of the same assemblies.
    /// On Windows PowerShell 5.1 they are loaded from the folder on demand.
    /// </summary>
    public sealed class ModuleInitAndCleanup : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string DependencyFolder =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleInitAndCleanup).Assembly.Location)!, "dependencies");

        private static readonly bool IsNetFramework =
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        /// <summary>Registers the resolver before any cmdlet touches XenPS.Core.</summary>
        public void OnImport()
        {
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromDependencyFolder;
            }
            else
            {
                IsolatedLoading.Register(DependencyFolder);
            }
        }

        /// <summary>Closes every session and unregisters the resolver.</summary>
        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            // PowerShell removes the module when it exits too. Sessions live in XenPS.Core, so while nothing has loaded it
            // there is none to close, and loading it (with its load context) only to find the registry empty made every
            // pwsh that imported XenPS and ran no cmdlet slower to exit.
            if (CoreIsLoaded()) CloseAllSessions();
            if (IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromDependencyFolder;
            }
            else
            {
                IsolatedLoading.Unregister();
            }
        }

        private static bool CoreIsLoaded() =>
            Array.Exists(AppDomain.CurrentDomain.GetAssemblies(), assembly => assembly.FullName.StartsWith("XenPS.Core,", StringComparison.Ordinal));

        // Not inlined: compiling OnRemove must not resolve SessionRegistry, which would load XenPS.Core.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CloseAllSessions() => SessionRegistry.Default.Clear();

        private static Assembly? ResolveFromDependencyFolder(object? sender, ResolveEventArgs args)
        {
            var path = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        /// <summary>Kept apart so that .NET Framework never has to load the AssemblyLoadContext type.</summary>
        private static class IsolatedLoading
        {
            // Made when XenPS.Core is first asked for, not at import: reading the platform's assembly list is work that
            // Import-Module would otherwise pay for a module that may only be imported.
            private static Lazy<DependencyLoadContext>? context;

            public static void Register(string folder)
            {
                context ??= new Lazy<DependencyLoadContext>(() => new DependencyLoadContext(folder));
                AssemblyLoadContext.Default.Resolving += ResolveCore;
            }

            public static void Unregister() => AssemblyLoadContext.Default.Resolving -= ResolveCore;

            // The default context asks only for XenPS.Core (the one assembly XenPS.dll references from
            // dependencies/); everything XenPS.Core needs is then resolved by the isolated context itself.
            private static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name) =>
                string.Equals(name.Name, "XenPS.Core", StringComparison.Ordinal) ? context!.Value.LoadDependency(name) : null;
        }

        /// <summary>
        /// Serves assemblies from dependencies/ unless the platform itself has the same assembly in a version at
        /// least as new (the netstandard2.0 shims such as System.Memory must come from the runtime).
        /// </summary>
        private sealed class DependencyLoadContext : AssemblyLoadContext
        {
            private readonly string folder;
            private readonly Dictionary<string, string> platformAssemblies;

            public DependencyLoadContext(string folder)
            {
                this.folder = folder;
                platformAssemblies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
                foreach (var path in tpa.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
                {
                    platformAssemblies[Path.GetFileNameWithoutExtension(path)] = path;
                }
            }

            public Assembly? LoadDependency(AssemblyName name) => Load(name);

            protected override Assembly? Load(AssemblyName name)
            {
                var simpleName = name.Name ?? "";
                var path = Path.Combine(folder, simpleName + ".dll");
                if (!File.Exists(path)) return null;
                if (platformAssemblies.TryGetValue(simpleName, out var platformPath)
                    && AssemblyName.GetAssemblyName(platformPath).Version >= (name.Version ?? new Version()))
                {
                    return null;
                }
                return LoadFromAssemblyPath(path);
            }
        }
    }
}
