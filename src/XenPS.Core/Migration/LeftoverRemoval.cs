using XenPS.Core.Model;
using XenPS.Core.Remote;
using XenPS.Core.Sessions;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// Finds and removes the leftover incoming copy of a guest on a destination: only a copy that is paused, has no vCPUs
    /// and no receive process works on it, checked again right before it is destroyed.
    /// </summary>
    public static class LeftoverRemoval
    {
        /// <summary>The guest's leftover incoming copy on <paramref name="destination"/>, or null when there is none (or none that is surely a leftover).</summary>
        public static async Task<XenDomain?> FindAsync(XenSession destination, string guest, CancellationToken cancellationToken)
        {
            var view = await HostView.ReadAsync(destination, guest, cancellationToken).ConfigureAwait(false);
            var copy = view.IncomingCopy();
            return copy != null && IncomingCopies.Classify(copy, view.Receivers) == IncomingCopyState.Stale ? copy : null;
        }

        /// <summary>
        /// Destroys <paramref name="leftover"/> (<c>xl destroy NAME--incoming</c>, <c>xm destroy migrating-NAME</c>) after reading
        /// the host again: the same domain (name and id) must still be a leftover. Throws LeftoverNotRemoved otherwise, or when
        /// the toolstack fails.
        /// </summary>
        public static async Task RemoveAsync(XenSession destination, XenDomain leftover, CancellationToken cancellationToken)
        {
            var host = destination.ComputerName;
            var view = await HostView.ReadAsync(destination, leftover.GuestName, cancellationToken).ConfigureAwait(false);
            var now = view.IncomingCopy();
            if (now is null || now.Name != leftover.Name || now.Id != leftover.Id)
            {
                throw new XenSessionException(XenSessionErrorId.LeftoverNotRemoved,
                    $"{leftover.Name} (id {leftover.Id}) is no longer on {host}{(view.Error is null ? "" : $" or {host} could not be read ({view.Error})")}; nothing was destroyed. Check with 'Get-XenDomain -ComputerName {host} -Name {leftover.GuestName}'.");
            }
            var state = IncomingCopies.Classify(now, view.Receivers);
            if (state != IncomingCopyState.Stale)
            {
                throw new XenSessionException(XenSessionErrorId.LeftoverNotRemoved,
                    $"{now.Name} on {host} is not a leftover now ({IncomingCopies.Explain(now, state, view.Receivers)}); nothing was destroyed. Leave it alone while it may be a transfer in progress, and check again later.");
            }
            var command = XenToolstack.PathPrefix + "; " + destination.Toolstack.Implementation().DestroyShell(now.Name);
            var result = await destination.Shell.RunAsync(command, new RemoteRunOptions { ReadOnly = false, NeedsRoot = true }, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new XenSessionException(XenSessionErrorId.LeftoverNotRemoved,
                    $"'{destination.Toolstack.Implementation().Destroy(now.Name)}' failed on {host} (exit code {result.ExitCode}): {(result.Stderr + result.Stdout).Trim()} Run it there by hand, as root.");
            }
        }
    }
}
