using XenPS.Core.Model;
using XenPS.Core.Scripts;

namespace XenPS.Core.Migration
{
    /// <summary>What an incoming copy of a guest on a destination is: part of a transfer, a leftover, or not clear.</summary>
    public enum IncomingCopyState
    {
        /// <summary>A receive process on that host works on it: a migration is under way.</summary>
        InProgress,

        /// <summary>Paused, no vCPUs, and no receive process for it: the leftover of a failed migration.</summary>
        Stale,

        /// <summary>Neither: it has vCPUs or runs, or the host's processes could not be read. Never to be removed.</summary>
        Unclear,
    }

    /// <summary>A receiving process of a migration on a dom0: xl's <c>xl migrate-receive</c>, or the <c>xc_restore FD DOMID ...</c> that xend runs.</summary>
    /// <param name="IsXl">An <c>xl migrate-receive</c>: it does not say which domain it builds, so it may be building any incoming copy.</param>
    /// <param name="DomainId">The domain an <c>xc_restore</c> restores into.</param>
    public sealed record ReceiveProcess(bool IsXl, int? DomainId)
    {
        /// <summary>Whether this process may be the one receiving <paramref name="copy"/>.</summary>
        public bool Covers(XenDomain copy) => IsXl ? copy.Name.EndsWith(XlIncomingSuffix, StringComparison.Ordinal) : copy.Id != null && DomainId == copy.Id;

        internal const string XlIncomingSuffix = "--incoming";
    }

    /// <summary>
    /// The incoming copies of guests on a destination (<c>NAME--incoming</c> of xl, <c>migrating-NAME</c> of xm), and the rule
    /// that tells a transfer in progress from the leftover of a failed one: a leftover is paused, has no vCPUs, and no receive
    /// process on that host works on it. Real xl leaves such a copy when its receiver is killed; xend leaves one when it is
    /// killed while it receives.
    /// </summary>
    public static class IncomingCopies
    {
        private const char WordSeparator = '\u001f';

        /// <summary>
        /// Prints the command line of every process in this host's network namespace (a lab host shares its process table
        /// with the others) that mentions <c>migrate-receive</c> or <c>xc_restore</c>, its words separated by 0x1F, one per line.
        /// </summary>
        public static string ReceiversCommand => RemoteScripts.Call("incoming-receivers.sh", "xenps_receivers");

        /// <summary>The receive processes in the output of <see cref="ReceiversCommand"/>; other lines (the scan itself) are left out.</summary>
        public static IReadOnlyList<ReceiveProcess> ParseReceivers(string stdout)
        {
            var found = new List<ReceiveProcess>();
            foreach (var line in stdout.Replace("\r\n", "\n").Split('\n'))
            {
                var words = line.Split(WordSeparator);
                var xl = Array.FindIndex(words, w => BaseName(w) == "xl");
                if (xl >= 0 && Array.IndexOf(words, "migrate-receive", xl + 1) > xl)
                {
                    found.Add(new ReceiveProcess(true, null));
                    continue;
                }
                var restore = Array.FindIndex(words, w => BaseName(w) == "xc_restore");
                if (restore >= 0 && restore + 2 < words.Length
                    && int.TryParse(words[restore + 1], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    && int.TryParse(words[restore + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var domid))
                {
                    found.Add(new ReceiveProcess(false, domid));
                }
            }
            return found;
        }

        /// <summary>A domain listed under an incoming migration name (not xl's <c>--migratedaway</c>, which is the sender's).</summary>
        public static bool IsIncomingCopy(XenDomain domain) =>
            domain.GuestName != domain.Name && !domain.Name.EndsWith("--migratedaway", StringComparison.Ordinal);

        /// <summary>What <paramref name="copy"/> is, given the host's receive processes (null when they could not be read).</summary>
        public static IncomingCopyState Classify(XenDomain copy, IReadOnlyList<ReceiveProcess>? receivers)
        {
            if (receivers is null) return IncomingCopyState.Unclear;
            if (receivers.Any(r => r.Covers(copy))) return IncomingCopyState.InProgress;
            return IsPausedWithoutVCpus(copy) ? IncomingCopyState.Stale : IncomingCopyState.Unclear;
        }

        /// <summary>Paused (the <c>p</c> flag) and no vCPU online: nothing of it can run.</summary>
        public static bool IsPausedWithoutVCpus(XenDomain domain) =>
            domain.StateFlags.Length > 2 && domain.StateFlags[2] == 'p' && domain.VCpus == 0;

        /// <summary>Why <paramref name="copy"/> is what <see cref="Classify"/> says, for a message.</summary>
        public static string Explain(XenDomain copy, IncomingCopyState state, IReadOnlyList<ReceiveProcess>? receivers)
        {
            var shape = $"{(copy.StateFlags.Length > 2 && copy.StateFlags[2] == 'p' ? "paused" : "not paused")} ({copy.StateFlags}), {copy.VCpus} vCPU(s)";
            switch (state)
            {
                case IncomingCopyState.InProgress:
                    return $"{shape}, and a receive process ({(receivers!.Any(r => r.IsXl) ? "xl migrate-receive" : "xc_restore")}) runs for it";
                case IncomingCopyState.Stale:
                    return $"{shape}, and no receive process runs for it";
                default:
                    return receivers is null ? $"{shape}; the host's processes could not be read" : $"{shape}, no receive process runs for it";
            }
        }

        private static string BaseName(string word)
        {
            var slash = word.LastIndexOf('/');
            return slash < 0 ? word : word.Substring(slash + 1);
        }
    }
}
