using System.Collections;
using System.Management.Automation.Language;

namespace XenPS.Completers
{
    /// <summary>Completes host names from the open sessions and the Host aliases of the ssh_config in use.</summary>
    public sealed class ComputerNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var configPath = fakeBoundParameters["SshConfigPath"] as string ?? Path.Combine(UserPaths.SshFolder, "config");
            IEnumerable<string> aliases;
            try
            {
                aliases = SshConfigFile.Load(configPath).HostAliases();
            }
            catch (XenSessionException)
            {
                aliases = Array.Empty<string>();
            }
            var matches = Completions.Matcher(wordToComplete);
            return SessionRegistry.Default.Get().Select(s => s.ComputerName)
                .Concat(aliases)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(matches)
                .Select(Completions.Result);
        }
    }
}
