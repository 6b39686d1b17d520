using XenPS.Core.Model;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>
    /// Decides how a migration ended from what the toolstack said and what both hosts show afterwards, and says it in
    /// words: the guest's state on each host, the cause, and what to do. Succeeded: the toolstack reported success and the
    /// guest is on the destination only. Failed: the guest is intact where it was (on the source under its own name, in
    /// the state it had before). Unknown: anything else, including a migration still in progress.
    /// </summary>
    public static class MigrationVerdict
    {
        /// <summary>Fills <paramref name="result"/>'s status, states, location, leftover and error.</summary>
        public static void Judge(MigrationResult result, MigrationRun run, HostView source, HostView destination, XenDomainState before)
        {
            var name = result.Domain;
            var onSource = source.Guest(name);
            var onDestination = destination.Guest(name);
            var copy = destination.IncomingCopy();
            var copyState = copy is null ? (IncomingCopyState?)null : IncomingCopies.Classify(copy, destination.Receivers);
            result.SourceState = source.StateOf(name);
            result.DestinationState = destination.StateOf(name);
            result.DomainLocation = source.Entries is null || destination.Entries is null ? DomainLocation.Unknown
                : onDestination != null && onSource != null ? DomainLocation.Both
                : onDestination != null ? DomainLocation.Destination
                : onSource != null ? DomainLocation.Source
                : DomainLocation.Neither;
            result.Leftover = !run.TimedOut && copyState == IncomingCopyState.Stale ? copy!.Name : null;
            result.VerifiedOnDestination = onDestination != null && Runs(onDestination.State, before) && source.Entries is { Count: 0 };

            if (run.TimedOut)
            {
                result.Status = MigrationStatus.Unknown;
                var seconds = (run.Timeout ?? TimeSpan.Zero).TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
                result.Error = $"{name} is still being migrated: {run.Command} has not ended within {seconds} s and goes on on {source.ComputerName}. " +
                    $"Now {Where(name, source, destination, copy, copyState)}. " + StartedMigration.FollowUp(name, source.ComputerName, destination.ComputerName, run.LogPath);
                return;
            }
            var reported = run.Output != null && run.ExitStatus == 0;
            var undefined = run.Output != null && MigrationOutput.StateUndefined(run.Output);
            if (reported && !undefined && result.VerifiedOnDestination)
            {
                result.Status = MigrationStatus.Succeeded;
                return;
            }
            var cause = Cause(run);
            var states = Where(name, source, destination, copy, copyState);
            if (undefined)
            {
                result.Status = MigrationStatus.Unknown;
                result.Error = $"{cause} xl reports that the domain's state is undefined. Now {states}. Keep at most one copy running, and check its disks before starting it again.";
                return;
            }
            var intact = onSource != null && (Runs(onSource.State, before) || onSource.State == before);
            if (intact && onDestination is null)
            {
                result.Status = MigrationStatus.Failed;
                result.Error = $"{cause} {name} {StateWords(onSource!.State)} on {source.ComputerName}, as before; {DestinationWords(name, destination, copy, copyState)}.";
                return;
            }
            result.Status = MigrationStatus.Unknown;
            result.Error = $"{cause} Now {states}. {WhatToDo(name, source, destination, onSource, onDestination, before)}";
        }

        /// <summary>The toolstack's lines that explain the failure, then how its command ended.</summary>
        internal static string Cause(MigrationRun run)
        {
            if (run.Output is null) return $"The output of {run.Command} could not be read.";
            var text = MigrationOutput.FailureText(run.Output);
            var end = run.ExitStatus is int status ? MigrationOutput.ExitText(run.Command, status)
                : run.ShellKilled ? $"How {run.Command} ended is not known: the shell that ran it on the source was killed, and it recorded no exit status."
                : $"How {run.Command} ended is not known.";
            return text.Length == 0 ? end : text + " " + end;
        }

        /// <summary>Running, blocked or runnable, or paused when it was paused before (xl moves a paused domain paused).</summary>
        private static bool Runs(XenDomainState state, XenDomainState before) =>
            state == XenDomainState.Running || state == XenDomainState.Blocked || state == XenDomainState.NoState
            || (state == XenDomainState.Paused && before == XenDomainState.Paused);

        private static string StateWords(XenDomainState state) => state switch
        {
            XenDomainState.Running => "runs",
            XenDomainState.Blocked => "runs",
            XenDomainState.NoState => "runs",
            XenDomainState.Paused => "is paused",
            XenDomainState.Suspended => "is suspended",
            XenDomainState.Shutdown => "is shut down",
            XenDomainState.Crashed => "has crashed",
            XenDomainState.Dying => "is being destroyed",
            _ => "is migrating",
        };

        /// <summary>The guest's state on both hosts, in words: "runs on xen-a and is absent from xen-b".</summary>
        private static string Where(string name, HostView source, HostView destination, XenDomain? copy, IncomingCopyState? copyState) =>
            $"{name} {HostWords(name, source)}; {DestinationWords(name, destination, copy, copyState)}";

        private static string HostWords(string name, HostView host)
        {
            if (host.Entries is null) return $"could not be looked for on {host.ComputerName} ({host.Error})";
            var guest = host.Guest(name);
            if (guest != null) return $"{StateWords(guest.State)} on {host.ComputerName} ({guest.StateFlags})";
            var renamed = host.Renamed(name);
            return renamed != null ? $"is listed on {host.ComputerName} as {renamed.Name} ({renamed.StateFlags})" : $"is not on {host.ComputerName}";
        }

        private static string DestinationWords(string name, HostView destination, XenDomain? copy, IncomingCopyState? copyState)
        {
            var host = destination.ComputerName;
            if (destination.Entries is null)
            {
                return $"{host} could not be listed ({destination.Error}): once it answers, look there for {name} or an incoming copy of it ('{destination.Tool} list')" +
                    (destination.Toolstack.Implementation().UsesXend ? "; if xend is not running there, start it ('xend start')" : "");
            }
            var guest = destination.Guest(name);
            if (guest != null) return $"it {StateWords(guest.State)} on {host} ({guest.StateFlags})";
            if (copy is null) return $"{host} has no copy of it";
            var why = IncomingCopies.Explain(copy, copyState!.Value, destination.Receivers);
            return copyState switch
            {
                IncomingCopyState.Stale =>
                    $"{host} holds {copy.Name}, a leftover of a failed migration ({why}): remove it with '{destination.Toolstack.Implementation().Destroy(copy.Name)}' on {host}, or give Move-XenDomain -RemoveLeftover",
                IncomingCopyState.InProgress =>
                    $"{host} lists {copy.Name}, which is still being received ({why}): leave it alone until that receive ends",
                _ =>
                    $"{host} lists {copy.Name} ({why}), which may still be in use: leave it alone; only once it is paused with no vCPUs and no receive process runs for it is it a leftover",
            };
        }

        private static string WhatToDo(string name, HostView source, HostView destination, XenDomain? onSource, XenDomain? onDestination, XenDomainState before)
        {
            var src = source.ComputerName;
            var dst = destination.ComputerName;
            var tool = source.Tool;
            if (source.Entries is null)
            {
                return $"Once {src} answers, find out where {name} runs ('{tool} list {name}' on {src} and on {dst}) before anything else.";
            }
            if (onSource != null && onDestination != null)
            {
                return $"{name} exists on both {src} and {dst}: stop one copy before anything writes to its disks twice.";
            }
            if (onSource is null && onDestination != null)
            {
                return $"{name} is on {dst}, but {tool} did not report success: check it there ('{destination.Tool} list {name}' on {dst}) and that {src} holds no copy of it.";
            }
            if (onSource is null)
            {
                return source.Renamed(name) is XenDomain renamed
                    ? $"{src} lists it under its migration name {renamed.Name}: the toolstack may still be finishing; look again with 'Get-XenDomain -ComputerName {src}, {dst} -Name {name}' before you change anything."
                    : $"{name} runs nowhere: check both hosts ('{tool} list' on {src} and {dst}) before you start it again from its configuration file.";
            }
            switch (onSource.State)
            {
                case XenDomainState.Suspended:
                    return $"{name} is suspended on {src} and runs nowhere: {Resume(source, name)}.";
                case XenDomainState.Paused:
                    return $"{name} is paused on {src}, which it was not before, and runs nowhere: '{tool} unpause {name}' on {src} lets it run again.";
                default:
                    return $"{name} {StateWords(onSource.State)} on {src} and runs nowhere: once you are sure no copy runs on {dst}, start it again on {src} from its configuration file ('{tool} create').";
            }
        }

        /// <summary>The real way to resume a guest left suspended: <c>xl resume</c> from Xen 4.18 on; xm and older xl have no such command.</summary>
        private static string Resume(HostView source, string name)
        {
            var src = source.ComputerName;
            if (source.Toolstack.Implementation().ResumeCommand(source.XenVersion, name, out var why) is string resume) return $"resume it with '{resume}' on {src}";
            return $"{why}; to run it again, '{source.Tool} destroy {name}' and '{source.Tool} create' with its configuration file on {src} boot it afresh, and what was in its memory is lost";
        }
    }
}

