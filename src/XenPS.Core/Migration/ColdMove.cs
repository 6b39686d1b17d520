using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;
using XenPS.Core.Scripts;
using XenPS.Core.Sessions;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Migration
{
    /// <summary>A halted guest's configuration file as read on the source: what a cold move copies.</summary>
    /// <param name="Session">The source.</param>
    /// <param name="Name">The domain, as its configuration names it.</param>
    /// <param name="ConfigFile">The file's path, the same on both hosts.</param>
    /// <param name="Config">The file's bytes and SHA-256.</param>
    /// <param name="Mode">The file's octal mode, which the copy gets (a configuration may hold a VNC password).</param>
    /// <param name="Domain">The domain the toolstack reads from the file: its disks, interfaces and memory, for the readiness checks.</param>
    public sealed record ColdMoveSource(XenSession Session, string Name, string ConfigFile, RemoteFileContent Config, string Mode, XenDomain Domain);

    /// <summary>
    /// Moves a halted guest by its configuration file, so that it is never startable on both hosts and the file is never lost:
    /// <list type="number">
    /// <item>the source (one round trip, <see cref="ReadSourceAsync"/>): the file, its mode, the toolstack's dry run of it
    /// (the domain it describes) and the domain list, which must not show the guest;</item>
    /// <item>the destination: the copy, written beside the path and linked to it only when nothing is there, checked by its
    /// SHA-256;</item>
    /// <item>the source: the file renamed to <c>PATH.moved-to-HOST</c>, only if it still holds what was copied; if that fails,
    /// the copy is removed from the destination again;</item>
    /// <item>with <c>start</c>, the destination starts the guest from the file, and its list must then show it.</item>
    /// </list>
    /// </summary>
    public static class ColdMove
    {
        private const string Script = "config-move.sh";
        private const int NotFoundExitCode = 20;
        private const int ExistsExitCode = 22;

        private static readonly RemoteRunOptions Read = new RemoteRunOptions { ReadOnly = true, NeedsRoot = true };
        private static readonly RemoteRunOptions Write = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true };
        private static readonly RemoteRunOptions Start = new RemoteRunOptions { ReadOnly = false, NeedsRoot = true, Timeout = TimeSpan.FromMinutes(5) };

        /// <summary>Reads the guest's configuration file on <paramref name="source"/> and checks that the guest does not run there; changes nothing.</summary>
        /// <exception cref="XenSessionException">The path, the file or the guest does not allow a cold move; the message says what to do.</exception>
        public static async Task<ColdMoveSource> ReadSourceAsync(XenSession source, string name, string configFile, CancellationToken cancellationToken)
        {
            var host = source.ComputerName;
            if (DomainConfigPath.ProblemWith(configFile) is string problem)
            {
                throw new XenSessionException(XenSessionErrorId.ConfigFileInvalid,
                    $"The configuration file '{VisibleText.Shorten(configFile)}' {problem}. Give the path of the domain's configuration file on {host}, e.g. {DomainConfigPath.Folder}NAME.cfg.");
            }
            var toolstack = source.Toolstack.Implementation();
            var dryRun = toolstack.ConfigDryRun(configFile);
            var sections = await new RemoteBatch().Add("env", XenToolstack.PathPrefix)
                .Add("mode", RemoteScripts.Call(Script, "xenps_config_mode", configFile))
                .Add("config", RemoteFile.ReadCommand(configFile))
                .Add("dryrun", ShellQuote.Join(dryRun))
                .AddListSections(toolstack)
                .RunAsync(source.Shell, Read, cancellationToken).ConfigureAwait(false);
            var mode = sections["mode"];
            var modeText = mode.Stdout.Trim();
            if (mode.ExitCode != 0 || modeText.Length is < 3 or > 4 || modeText.Any(c => c < '0' || c > '7'))
            {
                throw new XenSessionException(mode.ExitCode == NotFoundExitCode ? XenSessionErrorId.RemoteFileNotFound : XenSessionErrorId.ConfigFileInvalid,
                    $"{ProbeOutput.Failure(host, "stat " + configFile, mode)} Give the path of {VisibleText.Shorten(name)}'s configuration file, a regular file on {host}. Nothing was changed.");
            }
            var config = RemoteFile.FromReadResult(host, configFile, sections["config"]);
            if (config.Bytes.Length > RemoteFile.WriteChunkBytes)
            {
                throw new XenSessionException(XenSessionErrorId.ConfigFileInvalid,
                    $"{configFile} on {host} is {config.Bytes.Length} bytes, more than a domain configuration holds (a cold move copies at most {RemoteFile.WriteChunkBytes}). Nothing was changed.");
            }
            var domain = ReadDryRun(toolstack, sections["dryrun"], dryRun, host, configFile);
            if (domain.Name != name)
            {
                throw new XenSessionException(XenSessionErrorId.ConfigFileInvalid,
                    $"{configFile} on {host} describes the domain {VisibleText.Shorten(domain.Name)}, not {VisibleText.Shorten(name)}. Give the name the file holds, or the file of {VisibleText.Shorten(name)}. Nothing was changed.");
            }
            var listed = DomainListing.Read(toolstack, sections, host);
            if (listed.Domains is null) throw new XenSessionException(XenSessionErrorId.ProbeFailed, $"{listed.Error} Nothing was changed.");
            if (XenDomain.Find(listed.Domains, name) is XenDomain listedDomain)
            {
                throw new XenSessionException(XenSessionErrorId.DomainRunning, listedDomain.Id is int id
                    ? $"{host} runs {VisibleText.Shorten(listedDomain.Name)} (id {id}): a cold move is for a guest that does not run. Shut it down first ('{toolstack.Command} shutdown {ShellQuote.AsTyped(name)}'), or move it live without -ConfigFile. Nothing was changed."
                    : $"{host} lists {VisibleText.Shorten(listedDomain.Name)} without an id: its toolstack manages that domain itself (xm new), so {configFile} is not the only thing that starts it there, and XenPS does not move a managed domain. Nothing was changed.");
            }
            return new ColdMoveSource(source, name, configFile, config, modeText, domain);
        }

        /// <summary>The domain the toolstack's dry run of the file describes.</summary>
        private static XenDomain ReadDryRun(IToolstack toolstack, RemoteResult dryRun, string[] words, string host, string configFile)
        {
            var command = string.Join(" ", words.Select(ShellQuote.AsTyped));
            if (dryRun.ExitCode != 0)
            {
                throw new XenSessionException(XenSessionErrorId.ToolstackCommandFailed,
                    $"{ProbeOutput.Failure(host, command, dryRun)} {configFile} is not a configuration {toolstack.Command} can start; fix it first. Nothing was changed.");
            }
            try
            {
                return toolstack.ParseConfigDryRun(dryRun.Stdout, host);
            }
            catch (XenParseException e)
            {
                throw new XenSessionException(XenSessionErrorId.UnreadableData, $"'{command}' on {host}: {e.Message} Nothing was changed.", e);
            }
        }

        /// <summary>
        /// Moves the file to <paramref name="destination"/> and retires it on the source (see the class summary); starts the
        /// guest there when <paramref name="start"/>. <paramref name="log"/> gets a line per step. Once the copy is placed, the
        /// steps that keep the guest startable on one host only run to their end even when <paramref name="cancellationToken"/>
        /// is cancelled.
        /// </summary>
        /// <exception cref="XenSessionException">Nothing moved (the message says that the source is as it was), or the move could not be undone (it says what to remove by hand).</exception>
        public static async Task<MigrationResult> MoveAsync(ColdMoveSource from, XenSession destination, bool start, Action<string> log, CancellationToken cancellationToken)
        {
            var source = from.Session.ComputerName;
            var target = destination.ComputerName;
            var path = from.ConfigFile;
            var started = DateTime.Now;
            var place = await destination.Shell.RunAsync(
                RemoteScripts.Call(Script, "xenps_config_place", path, Convert.ToBase64String(from.Config.Bytes), from.Config.Sha256, from.Mode), Write, cancellationToken).ConfigureAwait(false);
            if (place.ExitCode == ExistsExitCode)
            {
                throw new XenSessionException(XenSessionErrorId.ConfigFileExists,
                    $"{target} has a {path} already, with other content. Compare it with the one on {source}, remove or rename the one that is not current, then move again. Nothing was changed.");
            }
            if (place.ExitCode != 0)
            {
                throw new XenSessionException(XenSessionErrorId.ColdMoveFailed,
                    $"{ProbeOutput.Failure(target, "write " + path, place)} Nothing was changed: {path} is on {source} only, as before.");
            }
            var wasThere = place.Stdout.Trim() == "present";
            log(wasThere ? $"{target}: {path} is there already, identical (SHA-256 {from.Config.Sha256})." : $"{target}: wrote {path} (SHA-256 {from.Config.Sha256}).");
            var movedTo = await RetireAsync(from, destination, wasThere).ConfigureAwait(false);
            log($"{source}: renamed {path} to {movedTo}.");
            var result = new MigrationResult
            {
                Domain = from.Name,
                Source = source,
                Destination = target,
                Toolstack = from.Session.Toolstack,
                Method = MigrationMethod.Cold,
                ConfigFile = path,
                SourceConfigMovedTo = movedTo,
                MemoryMB = from.Domain.MemoryMB,
                StartTime = started,
                Status = MigrationStatus.Succeeded,
                DomainLocation = DomainLocation.Neither,
                SourceState = GuestState.Absent,
                DestinationState = GuestState.Absent,
                VerifiedOnDestination = true,
            };
            if (start) await StartAsync(from, destination, result, log).ConfigureAwait(false);
            result.Duration = DateTime.Now - started;
            return result;
        }

        /// <summary>
        /// Renames the source's file; when that fails, removes the copy this move placed on the destination (never one that was
        /// there before), so that the guest starts from the source only, as before. Returns the source's new name of the file.
        /// </summary>
        private static async Task<string> RetireAsync(ColdMoveSource from, XenSession destination, bool wasThere)
        {
            var source = from.Session.ComputerName;
            var target = destination.ComputerName;
            var path = from.ConfigFile;
            var movedName = DomainConfigPath.MovedName(path, target);
            var retire = await from.Session.Shell.RunAsync(RemoteScripts.Call(Script, "xenps_config_retire", path, from.Config.Sha256, movedName), Write, CancellationToken.None).ConfigureAwait(false);
            var movedTo = retire.Stdout.Trim();
            if (retire.ExitCode == 0 && movedTo.StartsWith(movedName, StringComparison.Ordinal) && movedTo.IndexOf('\n') < 0) return movedTo;
            var why = ProbeOutput.Failure(source, "rename " + path, retire);
            if (wasThere)
            {
                throw new XenSessionException(XenSessionErrorId.ColdMoveFailed,
                    $"{why} {target} had an identical {path} before this move, so both hosts can start {VisibleText.Shorten(from.Name)}, as before: remove the file from the one that should not start it.");
            }
            RemoteResult undo;
            try
            {
                undo = await destination.Shell.RunAsync(RemoteScripts.Call(Script, "xenps_config_unplace", path, from.Config.Sha256), Write, CancellationToken.None).ConfigureAwait(false);
            }
            catch (XenSessionException e)
            {
                undo = new RemoteResult(-1, "", e.Message);
            }
            if (undo.ExitCode == 0)
            {
                throw new XenSessionException(XenSessionErrorId.ColdMoveFailed,
                    $"{why} The copy on {target} was removed again, so {VisibleText.Shorten(from.Name)} starts from {source} only, as before; {path} there is unchanged.");
            }
            throw new XenSessionException(XenSessionErrorId.ColdMoveFailed,
                $"{why} The copy on {target} could not be removed again ({ProbeOutput.OneLine(undo.Stderr)}): both hosts now have {path}. Remove it from {target} ('rm {ShellQuote.AsTyped(path)}') before starting {VisibleText.Shorten(from.Name)} anywhere.");
        }

        /// <summary>Starts the guest on the destination from its file, and reads its state there; a failure is the result's error, the move itself stands.</summary>
        private static async Task StartAsync(ColdMoveSource from, XenSession destination, MigrationResult result, Action<string> log)
        {
            var words = destination.Toolstack.Implementation().CreateFromConfig(from.ConfigFile);
            var command = string.Join(" ", words.Select(ShellQuote.AsTyped));
            log($"{destination.ComputerName}: {command}");
            RemoteResult create;
            try
            {
                create = await destination.Shell.RunAsync(XenToolstack.PathPrefix + "; " + ShellQuote.Join(words), Start, CancellationToken.None).ConfigureAwait(false);
            }
            catch (XenSessionException e)
            {
                create = new RemoteResult(-1, "", e.Message);
            }
            var view = await HostView.ReadAsync(destination, from.Name, CancellationToken.None).ConfigureAwait(false);
            result.DestinationState = view.StateOf(from.Name);
            result.Started = view.Guest(from.Name)?.Id != null;
            result.DomainLocation = result.Started ? DomainLocation.Destination : view.Entries is null ? DomainLocation.Unknown : DomainLocation.Neither;
            if (result.Started) return;
            result.Status = MigrationStatus.Unknown;
            var failure = create.ExitCode == 0 ? view.Error ?? $"{destination.ComputerName} does not list {VisibleText.Shorten(from.Name)} afterwards." : ProbeOutput.Failure(destination.ComputerName, command, create);
            result.Error = $"{from.ConfigFile} moved to {destination.ComputerName} ({from.Session.ComputerName} keeps it as {result.SourceConfigMovedTo}), but the guest did not start there: {failure} Fix that, then run '{command}' on {destination.ComputerName}.";
        }
    }
}
