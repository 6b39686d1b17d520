using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Toolstacks
{
    /// <summary>A host's domains as its toolstack lists them, or why they could not be read.</summary>
    public sealed class DomainListRead
    {
        /// <summary>Every domain listed, dom0 included; null when the list could not be read.</summary>
        public IReadOnlyList<XenDomain>? Domains { get; set; }

        /// <summary>Why the list could not be read: a command that failed, or output that could not be parsed.</summary>
        public string? Error { get; set; }

        /// <summary>Lines of the output that belong to no domain, each a sentence naming the host.</summary>
        public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();
    }

    /// <summary>The one way to list a host's domains, whether in a round trip of its own or inside a larger probe.</summary>
    public static class DomainListing
    {
        /// <summary>Adds <paramref name="toolstack"/>'s listing sections to <paramref name="batch"/>.</summary>
        public static RemoteBatch AddListSections(this RemoteBatch batch, IToolstack toolstack)
        {
            foreach (var section in toolstack.DomainListSections) batch.Add(section.Name, ShellQuote.Join(section.Words.ToArray()));
            return batch;
        }

        /// <summary>"'xl list -l' failed on HOST (exit code N): ..." for the first listing section that did not exit 0, else null.</summary>
        public static string? Failure(IToolstack toolstack, IReadOnlyDictionary<string, RemoteResult> sections, string computerName) =>
            toolstack.DomainListSections
                .Where(s => sections[s.Name].ExitCode != 0)
                .Select(s => ProbeOutput.Failure(computerName, s.What, sections[s.Name]))
                .FirstOrDefault();

        /// <summary>The domains in the listing sections; never throws for the host's answer.</summary>
        public static DomainListRead Read(IToolstack toolstack, IReadOnlyDictionary<string, RemoteResult> sections, string computerName)
        {
            if (Failure(toolstack, sections, computerName) is string failure) return new DomainListRead { Error = failure };
            var warnings = new List<string>();
            try
            {
                return new DomainListRead { Domains = toolstack.ParseDomains(sections, computerName, warnings), Warnings = warnings };
            }
            catch (XenParseException e)
            {
                return new DomainListRead { Error = $"The domain list of {computerName} could not be read: {e.Message}" };
            }
        }
    }
}
