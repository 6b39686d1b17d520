using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>One guest as one dom0 shows it: its entries (own name, migration names) and the receive processes there.</summary>
    /// <param name="ComputerName">The host as the caller names it.</param>
    /// <param name="Toolstack">The toolstack the host runs.</param>
    /// <param name="XenVersion">e.g. <c>4.17.5</c>; empty when unknown.</param>
    public sealed record HostView(string ComputerName, Toolstack Toolstack, string XenVersion)
    {
        /// <summary>Every listed domain whose guest name is the guest's; null when the list could not be read.</summary>
        public IReadOnlyList<XenDomain>? Entries { get; set; }

        /// <summary>Why the domain list could not be read.</summary>
        public string? Error { get; set; }

        /// <summary>The host's receive processes; null when they could not be read.</summary>
        public IReadOnlyList<ReceiveProcess>? Receivers { get; set; }

        /// <summary>The guest under its own name, or null.</summary>
        public XenDomain? Guest(string name) => Entries?.FirstOrDefault(d => d.Name == name);

        /// <summary>The guest's incoming copy (<c>NAME--incoming</c>, <c>migrating-NAME</c>), or null.</summary>
        public XenDomain? IncomingCopy() => Entries?.FirstOrDefault(IncomingCopies.IsIncomingCopy);

        /// <summary>The guest listed under the sender's migration name (xm's <c>migrating-NAME</c> on the source, xl's <c>NAME--migratedaway</c>), or null.</summary>
        public XenDomain? Renamed(string name) => Entries?.FirstOrDefault(d => d.Name != name);

        /// <summary><c>xl</c> or <c>xm</c>.</summary>
        public string Tool => Toolstack.Implementation().Command;

        /// <summary>The guest's state here: Unknown when the list could not be read, Absent when it is not listed.</summary>
        public GuestState StateOf(string name)
        {
            if (Entries is null) return GuestState.Unknown;
            var guest = Guest(name);
            if (guest != null) return (GuestState)Enum.Parse(typeof(GuestState), guest.State.ToString());
            return Entries.Count > 0 ? GuestState.Migrating : GuestState.Absent;
        }

        /// <summary>
        /// Reads the receive processes and then the guest's entries of <paramref name="session"/>'s host in one round trip (in that
        /// order: a receiver that ends between the two has cleaned up before the list, so its copy is never taken for a leftover);
        /// never throws for the host's answer.
        /// </summary>
        public static Task<HostView> ReadAsync(XenSession session, string guest, CancellationToken cancellationToken) =>
            ReadAsync(session, guest, null, cancellationToken);

        /// <summary>
        /// As <see cref="ReadAsync(XenSession, string, CancellationToken)"/>, but when <paramref name="uuid"/> is given an entry that the
        /// toolstack lists with another UUID is another guest of the same name, and left out: the outcome is checked on the guest that
        /// was migrated.
        /// </summary>
        public static async Task<HostView> ReadAsync(XenSession session, string guest, string? uuid, CancellationToken cancellationToken)
        {
            var view = new HostView(session.ComputerName, session.Toolstack, session.XenVersion);
            var batch = new RemoteBatch().Add("env", XenToolstack.PathPrefix).Add("receivers", IncomingCopies.ReceiversCommand)
                .AddListSections(session.Toolstack.Implementation());
            try
            {
                var sections = await batch.RunAsync(session.Shell, new RemoteRunOptions { ReadOnly = true, NeedsRoot = true }, cancellationToken).ConfigureAwait(false);
                view.Read(sections, guest, uuid);
            }
            catch (XenSessionException e)
            {
                view.Error = e.Message;
            }
            return view;
        }

        internal void Read(IReadOnlyDictionary<string, RemoteResult> sections, string guest, string? uuid = null)
        {
            var read = DomainListing.Read(Toolstack.Implementation(), sections, ComputerName);
            Error = read.Error;
            Entries = read.Domains?.Where(d => d.GuestName == guest && DomainUuid.SameOrUnknown(d.Uuid, uuid)).ToList();
            if (sections["receivers"].ExitCode == 0) Receivers = IncomingCopies.ParseReceivers(sections["receivers"].Stdout);
        }
    }
}
