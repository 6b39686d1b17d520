using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Text;

namespace XenPS.Core.Migration
{
    /// <summary>A name asked for that names no domain to migrate, with the error it gets and what to do.</summary>
    /// <param name="Name">The name or pattern as given: the error record's target object.</param>
    /// <param name="ErrorId">DomainNotFound or Dom0NotMigratable.</param>
    /// <param name="Message">What is wrong, and in one sentence what to do.</param>
    public sealed record RefusedName(string Name, XenErrorId ErrorId, string Message);

    /// <summary>The domains to migrate from one source, and the names asked for that name none.</summary>
    /// <param name="Names">Each guest once, in the order asked: a name as given, a pattern's matches in the source's order.</param>
    /// <param name="Refused">The names and patterns that name no guest of the source, in the order asked.</param>
    public sealed record DomainSelection(IReadOnlyList<string> Names, IReadOnlyList<RefusedName> Refused)
    {
        /// <summary>
        /// Resolves <paramref name="requested"/> against the source's list, as Get-XenDomain matches names: a name that a domain has
        /// is that domain, even when it holds wildcard characters; otherwise <paramref name="patternOf"/> gives its matcher when it is
        /// a wildcard pattern (null for a plain name), and it stands for every guest whose name it matches, Domain-0 never among them.
        /// A plain name of no domain, and a pattern that matches none, are DomainNotFound; Domain-0 by name is Dom0NotMigratable.
        /// A domain listed under its migration name (xm's migrating-NAME, xl's NAME--incoming) is taken by its guest's name, so that
        /// the readiness check can say that it is being migrated already.
        /// </summary>
        public static DomainSelection Resolve(string source, IReadOnlyList<XenDomain> domains, IEnumerable<string> requested, Func<string, Func<string, bool>?> patternOf)
        {
            if (domains is null) throw new ArgumentNullException(nameof(domains));
            if (requested is null) throw new ArgumentNullException(nameof(requested));
            if (patternOf is null) throw new ArgumentNullException(nameof(patternOf));
            var names = new List<string>();
            var refused = new List<RefusedName>();
            var listing = $"Get-XenDomain -ComputerName {source}";
            foreach (var name in requested)
            {
                var found = XenDomain.Find(domains, name);
                var matches = found is null ? patternOf(name) : null;
                if (found is { IsDom0: true })
                {
                    refused.Add(new RefusedName(name, XenSessionErrorId.Dom0NotMigratable,
                        $"{VisibleText.Shorten(name)} is the control domain of {source}, the host itself, and cannot be migrated: name a guest domain instead ('{listing}' lists them)."));
                }
                else if (found != null)
                {
                    Add(names, found.GuestName);
                }
                else if (matches is null)
                {
                    refused.Add(new RefusedName(name, XenSessionErrorId.DomainNotFound,
                        $"No domain named '{VisibleText.Shorten(name)}' on {source}, so it was not moved: run '{listing}' to list its domains, and give a name it shows."));
                }
                else
                {
                    var guests = domains.Where(d => !d.IsDom0 && matches(d.GuestName)).Select(d => d.GuestName).ToList();
                    if (guests.Count == 0)
                    {
                        refused.Add(new RefusedName(name, XenSessionErrorId.DomainNotFound,
                            $"No guest domain on {source} matches '{VisibleText.Shorten(name)}' (Domain-0 is never matched), so nothing was moved for it: run '{listing}' to list its domains."));
                    }
                    foreach (var guest in guests) Add(names, guest);
                }
            }
            return new DomainSelection(names, refused);
        }

        private static void Add(List<string> names, string name)
        {
            if (!names.Contains(name, StringComparer.Ordinal)) names.Add(name);
        }
    }
}
