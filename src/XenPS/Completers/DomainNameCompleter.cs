using System.Collections;
using System.Management.Automation.Language;

namespace XenPS.Completers
{
    /// <summary>
    /// Completes domain names from the hosts of the open sessions (those named with -ComputerName, else all),
    /// never opening a connection and giving up after a short wait; each name as a literal for a parameter that takes it as it is.
    /// </summary>
    public class DomainNameCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

        /// <summary>The completion text for one name, before it is made a PowerShell literal.</summary>
        protected virtual string Argument(string name) => name;

        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var named = LanguagePrimitives.ConvertTo<string[]>(fakeBoundParameters["ComputerName"] ?? Array.Empty<string>());
            var sessions = SessionRegistry.Default.Get()
                .Where(s => s.State == XenSessionState.Opened)
                .Where(s => named.Length == 0 || named.Contains(s.ComputerName, StringComparer.OrdinalIgnoreCase))
                .ToList();
            using var timeout = new CancellationTokenSource(Patience);
            var queries = sessions.Select(s => s.Reader().GetDomainsAsync(timeout.Token)).ToArray();
            try
            {
                Task.WaitAll(queries);
            }
            catch (AggregateException)
            {
                // A host that does not answer in time adds no names.
            }
            var matches = Completions.Matcher(wordToComplete);
            return queries.Where(q => q.Status == TaskStatus.RanToCompletion)
                .SelectMany(q => q.Result)
                .Where(d => !d.IsDom0)
                .Select(d => d.Name)
                .Distinct(StringComparer.Ordinal)
                .Where(matches)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(name => Completions.Result(name, Argument(name)));
        }
    }

    /// <summary>Completes domain names for a parameter that takes wildcards: [ ] * ? in a name are escaped, so that it matches only itself.</summary>
    public sealed class DomainPatternCompleter : DomainNameCompleter
    {
        /// <inheritdoc/>
        protected override string Argument(string name) => WildcardPattern.Escape(name);
    }
}
