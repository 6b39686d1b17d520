using System.Collections.Concurrent;
using XenPS.Core.Remote;

namespace XenPS.Core.Scripts
{
    /// <summary>
    /// The shell scripts that run on the dom0s, kept as .sh files beside this class and embedded in the assembly, so that no
    /// remote script is put together from C# strings. Every file follows one convention:
    /// <list type="bullet">
    /// <item>it is POSIX sh (checked by <c>sh -n</c> and <c>shellcheck -s sh</c>), with bash only inside <c>bash -c</c> where a
    /// feature needs it (/dev/tcp);</item>
    /// <item>it only defines functions, named <c>xenps_*</c>, that take their data as positional arguments, never as text put
    /// into the script; its header lists each function with its arguments, output and exit codes;</item>
    /// <item>its last line, <c>[ $# -eq 0 ] || "$@"</c>, makes it runnable on its own: <c>sh FILE FUNCTION ARG...</c> runs
    /// exactly what XenPS runs. XenPS sends the file followed by one call (<see cref="Call"/>) to <c>sh -c</c>, which has
    /// no positional parameters, so that line does nothing there;</item>
    /// <item>its variables carry a prefix of their own (<c>t_</c>, <c>w_</c>...), because a call can be one section of a
    /// longer script (<c>RemoteBatch</c>) whose sections share one shell; a function used that way returns, never exits.</item>
    /// </list>
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

        /// <summary>
        /// <paramref name="command"/> with each embedded script's text replaced by its name in brackets (<c>[migration-job.sh]</c>),
        /// so that a trace shows the call that follows it rather than the functions it defines.
        /// </summary>
        public static string Shorten(string command) =>
            Names.Aggregate(command, (text, name) => text.Replace(Text(name), "[" + name + "]"));

        /// <summary>Shell text that defines the script's functions, then calls <paramref name="function"/> with <paramref name="arguments"/>, each quoted.</summary>
        public static string Call(string name, string function, params string[] arguments) =>
            Text(name) + "\n" + function + (arguments.Length == 0 ? "" : " " + ShellQuote.Join(arguments));
    }
}
