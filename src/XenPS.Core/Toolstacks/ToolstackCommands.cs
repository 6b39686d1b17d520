using System.Text.RegularExpressions;
using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Text;

namespace XenPS.Core.Toolstacks
{
    /// <summary>The commands whose form differs between xm and xl: migrate and destroy.</summary>
    public static class ToolstackCommands
    {
        /// <summary>
        /// The toolstack's migrate command for the chosen target. xm always gets the port: without <c>-p</c> xend connects to
        /// the port in the source's own xend-config.sxp (XendDomain._domain_migrate), which need not be the destination's.
        /// The domain is given as what the toolstack cannot take for another one, after <c>--</c> so that no name is read as
        /// an option: xl gets the domid (xl's find_domain takes any all-digit argument for a domid, so a guest named 1 could not
        /// be named), xm the UUID (xend's domain_lookup_nr tries names, then domids, then UUIDs, and refuses to create a domain
        /// whose name another domain answers to). The target host and xl's ssh command are checked here, right before they reach
        /// the shell that xl runs them with, whoever chose them.
        /// </summary>
        public static string[] Migrate(Toolstack toolstack, string source, MigrationTarget target, bool live, string? sshCommand, XenDomain domain)
        {
            if (MigrationTarget.ProblemWith(target.Host) is string problem)
            {
                throw new XenSessionException(XenSessionErrorId.MigrationTargetInvalid,
                    $"The migration target {problem}; nothing was started. Give -MigrationTarget with the destination's name or address as {source} reaches it.");
            }
            if (toolstack == Toolstack.Xm)
            {
                var words = new List<string> { "xm", "migrate" };
                if (live) words.Add("--live");
                words.AddRange(new[] { "-p", target.Port.ToString(CultureInfo.InvariantCulture), "--", DomainUuid.IsUuid(domain.Uuid) ? domain.Uuid! : domain.Name, target.Host });
                return words.ToArray();
            }
            var xl = new List<string> { "xl", "migrate" };
            if (!string.IsNullOrEmpty(sshCommand))
            {
                if (SshCommandLine.ProblemWith(sshCommand!) is string sshProblem)
                {
                    throw new XenSessionException(XenSessionErrorId.SshCommandInvalid,
                        $"The ssh command {sshProblem}; nothing was started. Give -SshCommand as a program and its options, e.g. 'ssh -p 2222'.");
                }
                xl.AddRange(new[] { "-s", sshCommand! });
            }
            var domid = domain.Id ?? throw new XenSessionException(XenSessionErrorId.DomainNotFound,
                $"{source} lists {VisibleText.Shorten(domain.Name)} without a domain id, so xl cannot be told which domain to move; nothing was started. Look at 'xl list' there.");
            xl.AddRange(new[] { "--", domid.ToString(CultureInfo.InvariantCulture), target.Host });
            return xl.ToArray();
        }

        /// <summary>
        /// The command that removes <paramref name="name"/>, as a user types it at a shell: <c>xl destroy tiny--incoming</c>. A name
        /// the shell would split or expand is single-quoted, and one that xl would take for an option follows <c>--</c>.
        /// </summary>
        public static string Destroy(Toolstack toolstack, string name)
        {
            var word = PlainWord.IsMatch(name) ? name : ShellQuote.Quote(name);
            return toolstack == Toolstack.Xl && name.StartsWith("-", StringComparison.Ordinal) ? $"xl destroy -- {word}" : $"{toolstack.Command()} destroy {word}";
        }

        /// <summary>A word that sh reads as it is: no blank, quote, glob, expansion or operator character.</summary>
        private static readonly Regex PlainWord = new Regex(@"\A[A-Za-z0-9._+:@%,=/-]+\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// The same command as shell text for the host, each word quoted. xl reads options with getopt, so the name follows
        /// <c>--</c> (a guest named <c>-x</c> leaves <c>-x--incoming</c>); xm destroy takes exactly one argument as it is.
        /// </summary>
        public static string DestroyShell(Toolstack toolstack, string name) =>
            toolstack == Toolstack.Xl ? ShellQuote.Join("xl", "destroy", "--", name) : ShellQuote.Join("xm", "destroy", name);
    }
}
