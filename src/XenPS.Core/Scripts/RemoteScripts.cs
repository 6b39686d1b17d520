using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using XenPS.Core.Sessions;

namespace XenPS.Core.Scripts
{
    /// <summary>
    /// The shell scripts that run on the dom0s, kept as .sh files beside this class and embedded in the assembly. Each defines
    /// functions that take their data only as positional arguments, so a call is the script followed by one quoted command line.
    /// </summary>
    internal static class RemoteScripts
    {
        private static readonly ConcurrentDictionary<string, string> Cache = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The names of every embedded script.</summary>
        public static string[] Names =>
            typeof(RemoteScripts).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
                .Select(n => n.Substring(Prefix.Length)).ToArray();

        private static string Prefix => typeof(RemoteScripts).Namespace + ".";

        /// <summary>The text of the script <paramref name="name"/> (e.g. <c>migration-target.sh</c>).</summary>
        public static string Text(string name) => Cache.GetOrAdd(name, key =>
        {
            using var stream = typeof(RemoteScripts).Assembly.GetManifestResourceStream(Prefix + key)
                ?? throw new InvalidOperationException($"The script {key} is not embedded in XenPS.Core.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        });

        /// <summary>Shell text that defines the script's functions, then calls <paramref name="function"/> with <paramref name="arguments"/>, each quoted.</summary>
        public static string Call(string name, string function, params string[] arguments) =>
            Text(name) + "\n" + function + (arguments.Length == 0 ? "" : " " + ShellQuote.Join(arguments));
    }
}
