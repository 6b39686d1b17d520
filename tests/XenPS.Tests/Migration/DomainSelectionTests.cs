using System;
using System.Linq;
using System.Text.RegularExpressions;
using XenPS.Core.Migration;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Migration
{
    /// <summary>Move-XenDomain's names resolved against the source's list before any check runs.</summary>
    public sealed class DomainSelectionTests
    {
        private static readonly XenDomain[] Listed =
        {
            new XenDomain { Name = "Domain-0", Id = 0 },
            new XenDomain { Name = "com-xp1", Id = 1 },
            new XenDomain { Name = "web1", Id = 2 },
            new XenDomain { Name = "com-xp2", Id = 3 },
            new XenDomain { Name = "a[1]", Id = 4 },
            new XenDomain { Name = "com-old--migratedaway", Id = 5 },
        };

        /// <summary>Stands for the cmdlet's WildcardPattern: * and ? only, which is all these cases use.</summary>
        private static Func<string, bool>? Glob(string name)
        {
            if (name.IndexOfAny(new[] { '*', '?', '[' }) < 0) return null;
            var regex = new Regex("^" + Regex.Escape(name).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase);
            return regex.IsMatch;
        }

        [Fact]
        public void APatternStandsForEveryGuestItMatchesInTheSourcesOrderEachOnceAndNeverDomain0()
        {
            var selection = DomainSelection.Resolve("dom0-a", Listed, new[] { "com-xp2", "com*", "*" }, Glob);

            Assert.Equal(new[] { "com-xp2", "com-xp1", "com-old", "web1", "a[1]" }, selection.Names);
            Assert.Empty(selection.Refused);
        }

        [Fact]
        public void ANameThatADomainHasIsThatDomainEvenWithWildcardCharacters()
        {
            var selection = DomainSelection.Resolve("dom0-a", Listed, new[] { "a[1]", "com-old" }, Glob);

            Assert.Equal(new[] { "a[1]", "com-old" }, selection.Names);
            Assert.Empty(selection.Refused);
        }

        [Fact]
        public void AMissingNameAndAPatternThatMatchesNothingAreDomainNotFoundNamingTheSourceAndHowToList()
        {
            var selection = DomainSelection.Resolve("dom0-a", Listed, new[] { "ghost", "db*", "web1" }, Glob);

            Assert.Equal(new[] { "web1" }, selection.Names);
            Assert.Equal(new[] { "ghost", "db*" }, selection.Refused.Select(r => r.Name));
            Assert.All(selection.Refused, r => Assert.Same(XenSessionErrorId.DomainNotFound, r.ErrorId));
            Assert.Equal("No domain named 'ghost' on dom0-a, so it was not moved: run 'Get-XenDomain -ComputerName dom0-a' to list its domains, and give a name it shows.", selection.Refused[0].Message);
            Assert.StartsWith("No guest domain on dom0-a matches 'db*' (Domain-0 is never matched)", selection.Refused[1].Message);
        }

        [Fact]
        public void APatternThatMatchesOnlyDomain0IsNotFoundAndDomain0ByNameIsRefused()
        {
            var selection = DomainSelection.Resolve("dom0-a", Listed, new[] { "Dom*", "Domain-0" }, Glob);

            Assert.Empty(selection.Names);
            Assert.Same(XenSessionErrorId.DomainNotFound, selection.Refused[0].ErrorId);
            Assert.Same(XenSessionErrorId.Dom0NotMigratable, selection.Refused[1].ErrorId);
            Assert.Equal(XenErrorKind.InvalidArgument, selection.Refused[1].ErrorId.Kind);
            Assert.StartsWith("Domain-0 is the control domain of dom0-a, the host itself, and cannot be migrated", selection.Refused[1].Message);
        }
    }
}
