using System.Collections;
using System.Management.Automation.Language;
using XenPS.Commands;
using XenPS.Core.Lab;

namespace XenPS.Completers
{
    /// <summary>Completes -LabProfile with the profiles of the module's lab.</summary>
    public sealed class LabProfileCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            XenLabRunner.Profiles(LabRoot.Folder).Where(Completions.Matcher(wordToComplete)).Select(Completions.Result);
    }
}
