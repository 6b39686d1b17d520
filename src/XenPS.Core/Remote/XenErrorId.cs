using System.Reflection;

namespace XenPS.Core.Remote
{
    /// <summary>
    /// The category of an error, named as PowerShell's ErrorCategory member it stands for: XenPS.Core does not reference
    /// PowerShell, and the cmdlets map each kind to the ErrorCategory of the same name.
    /// </summary>
    public enum XenErrorKind
    {
        NotSpecified,
        DeviceError,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        InvalidResult,
        NotImplemented,
        NotInstalled,
        ObjectNotFound,
        OperationTimeout,
        PermissionDenied,
        ResourceBusy,
        ResourceUnavailable,
        WriteError,
        SecurityError,
        ConnectionError,
        AuthenticationError,
        LimitsExceeded,
    }

    /// <summary>
    /// One kind of failure: its <see cref="Name"/> is the FullyQualifiedErrorId users match on (it never changes), its
    /// <see cref="Kind"/> the category of its error records. Every instance is an entry of <see cref="XenSessionErrorId"/>.
    /// </summary>
    public sealed class XenErrorId
    {
        // Lazy, not static initialisers: the table's own initialiser creates the first instance, and reading the table's
        // fields from there would see the later ones still null.
        private static readonly Lazy<IReadOnlyList<XenErrorId>> Entries = new Lazy<IReadOnlyList<XenErrorId>>(() => typeof(XenSessionErrorId)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(XenErrorId))
            .Select(f => (XenErrorId)f.GetValue(null))
            .ToList());

        private static readonly Lazy<IReadOnlyDictionary<string, XenErrorId>> ByName = new Lazy<IReadOnlyDictionary<string, XenErrorId>>(() =>
            All.ToDictionary(id => id.Name, StringComparer.Ordinal));

        internal XenErrorId(string name, XenErrorKind kind)
        {
            Name = name;
            Kind = kind;
        }

        /// <summary>PascalCase identifier, the first part of the error record's FullyQualifiedErrorId.</summary>
        public string Name { get; }

        public XenErrorKind Kind { get; }

        /// <summary>Every entry of <see cref="XenSessionErrorId"/>, in the order declared.</summary>
        public static IReadOnlyList<XenErrorId> All => Entries.Value;

        /// <summary>
        /// The entry named <paramref name="name"/>. PowerShell uses it to convert text, so that
        /// <c>$e.Exception.ErrorId -eq 'HostNotFound'</c> compares as users expect.
        /// </summary>
        /// <exception cref="ArgumentException">No entry has that name.</exception>
        public static XenErrorId Parse(string name) =>
            name is not null && ByName.Value.TryGetValue(name, out var id) ? id : throw new ArgumentException($"'{name}' is not a XenPS error id.", nameof(name));

        public override string ToString() => Name;
    }

    /// <summary>
    /// Every error id XenPS raises, each declared once with its category. A <see cref="XenSessionException"/> takes one of
    /// these, never free text, so a new failure cannot reach the user without a category.
    /// </summary>
    public static class XenSessionErrorId
    {
        public static readonly XenErrorId HostKeyUnknown = new XenErrorId(nameof(HostKeyUnknown), XenErrorKind.SecurityError);
        public static readonly XenErrorId HostKeyChanged = new XenErrorId(nameof(HostKeyChanged), XenErrorKind.SecurityError);
        public static readonly XenErrorId HostKeyRevoked = new XenErrorId(nameof(HostKeyRevoked), XenErrorKind.SecurityError);
        public static readonly XenErrorId KnownHostsUpdateFailed = new XenErrorId(nameof(KnownHostsUpdateFailed), XenErrorKind.PermissionDenied);
        public static readonly XenErrorId AuthenticationFailed = new XenErrorId(nameof(AuthenticationFailed), XenErrorKind.AuthenticationError);
        public static readonly XenErrorId KeyFileNotFound = new XenErrorId(nameof(KeyFileNotFound), XenErrorKind.ObjectNotFound);
        public static readonly XenErrorId KeyPassphraseRequired = new XenErrorId(nameof(KeyPassphraseRequired), XenErrorKind.AuthenticationError);
        public static readonly XenErrorId KeyFileInvalid = new XenErrorId(nameof(KeyFileInvalid), XenErrorKind.InvalidData);
        public static readonly XenErrorId NoCredentials = new XenErrorId(nameof(NoCredentials), XenErrorKind.AuthenticationError);
        public static readonly XenErrorId SshConfigNotFound = new XenErrorId(nameof(SshConfigNotFound), XenErrorKind.ObjectNotFound);
        public static readonly XenErrorId SshConfigInvalid = new XenErrorId(nameof(SshConfigInvalid), XenErrorKind.InvalidData);
        public static readonly XenErrorId HostNotFound = new XenErrorId(nameof(HostNotFound), XenErrorKind.ObjectNotFound);
        public static readonly XenErrorId ConnectionFailed = new XenErrorId(nameof(ConnectionFailed), XenErrorKind.ConnectionError);
        public static readonly XenErrorId ConnectTimeout = new XenErrorId(nameof(ConnectTimeout), XenErrorKind.OperationTimeout);
        public static readonly XenErrorId ConnectionLost = new XenErrorId(nameof(ConnectionLost), XenErrorKind.ConnectionError);
        public static readonly XenErrorId SessionClosed = new XenErrorId(nameof(SessionClosed), XenErrorKind.ResourceUnavailable);
        public static readonly XenErrorId SessionBroken = new XenErrorId(nameof(SessionBroken), XenErrorKind.ConnectionError);
        public static readonly XenErrorId CommandTimeout = new XenErrorId(nameof(CommandTimeout), XenErrorKind.OperationTimeout);
        public static readonly XenErrorId OutputLimitExceeded = new XenErrorId(nameof(OutputLimitExceeded), XenErrorKind.LimitsExceeded);
        public static readonly XenErrorId ChannelOpenFailed = new XenErrorId(nameof(ChannelOpenFailed), XenErrorKind.ConnectionError);
        public static readonly XenErrorId SudoPasswordRequired = new XenErrorId(nameof(SudoPasswordRequired), XenErrorKind.PermissionDenied);
        public static readonly XenErrorId NotXenHost = new XenErrorId(nameof(NotXenHost), XenErrorKind.DeviceError);
        public static readonly XenErrorId ProbeFailed = new XenErrorId(nameof(ProbeFailed), XenErrorKind.InvalidResult);
        public static readonly XenErrorId JumpHostInvalid = new XenErrorId(nameof(JumpHostInvalid), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId ProxyCommandNotSupported = new XenErrorId(nameof(ProxyCommandNotSupported), XenErrorKind.NotImplemented);
        public static readonly XenErrorId MigrationTargetNotFound = new XenErrorId(nameof(MigrationTargetNotFound), XenErrorKind.ObjectNotFound);
        public static readonly XenErrorId MigrationTargetInvalid = new XenErrorId(nameof(MigrationTargetInvalid), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId SshCommandInvalid = new XenErrorId(nameof(SshCommandInvalid), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId HostNameInvalid = new XenErrorId(nameof(HostNameInvalid), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId XendConfigNotFound = new XenErrorId(nameof(XendConfigNotFound), XenErrorKind.ObjectNotFound);
        public static readonly XenErrorId LeftoverNotRemoved = new XenErrorId(nameof(LeftoverNotRemoved), XenErrorKind.ResourceBusy);
        public static readonly XenErrorId AllowedHostNotFound = new XenErrorId(nameof(AllowedHostNotFound), XenErrorKind.ObjectNotFound);
        public static readonly XenErrorId XendNotInstalled = new XenErrorId(nameof(XendNotInstalled), XenErrorKind.NotInstalled);
        public static readonly XenErrorId XendRestartFailed = new XenErrorId(nameof(XendRestartFailed), XenErrorKind.InvalidResult);
        public static readonly XenErrorId ToolstackCommandFailed = new XenErrorId(nameof(ToolstackCommandFailed), XenErrorKind.InvalidResult);
        public static readonly XenErrorId RemoteScriptIncomplete = new XenErrorId(nameof(RemoteScriptIncomplete), XenErrorKind.InvalidResult);
        public static readonly XenErrorId RemoteFileNotFound = new XenErrorId(nameof(RemoteFileNotFound), XenErrorKind.ObjectNotFound);
        public static readonly XenErrorId RemoteFileUnreadable = new XenErrorId(nameof(RemoteFileUnreadable), XenErrorKind.InvalidResult);
        public static readonly XenErrorId RemoteFileChanged = new XenErrorId(nameof(RemoteFileChanged), XenErrorKind.ResourceBusy);
        public static readonly XenErrorId RemoteFileConcurrentEdit = new XenErrorId(nameof(RemoteFileConcurrentEdit), XenErrorKind.ResourceBusy);
        public static readonly XenErrorId RemoteFileLocked = new XenErrorId(nameof(RemoteFileLocked), XenErrorKind.ResourceBusy);
        public static readonly XenErrorId RemoteFileWriteFailed = new XenErrorId(nameof(RemoteFileWriteFailed), XenErrorKind.WriteError);
        public static readonly XenErrorId DomainNotFound = new XenErrorId(nameof(DomainNotFound), XenErrorKind.ObjectNotFound);
        /// <summary>Domain-0 was named for a migration: it is the host itself, and never moves.</summary>
        public static readonly XenErrorId Dom0NotMigratable = new XenErrorId(nameof(Dom0NotMigratable), XenErrorKind.InvalidArgument);

        /// <summary>The destination is the source host itself, named the same way or another (an alias, an address).</summary>
        public static readonly XenErrorId SourceIsDestination = new XenErrorId(nameof(SourceIsDestination), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId LiveOnly = new XenErrorId(nameof(LiveOnly), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId MigrationInProgress = new XenErrorId(nameof(MigrationInProgress), XenErrorKind.ResourceBusy);
        public static readonly XenErrorId MigrationStartFailed = new XenErrorId(nameof(MigrationStartFailed), XenErrorKind.InvalidResult);
        public static readonly XenErrorId GuestProbeNoAnswer = new XenErrorId(nameof(GuestProbeNoAnswer), XenErrorKind.OperationTimeout);

        /// <summary>An argument that XenPS.Core refused (<see cref="ArgumentException"/>).</summary>
        public static readonly XenErrorId InvalidArgument = new XenErrorId(nameof(InvalidArgument), XenErrorKind.InvalidArgument);

        /// <summary>A host's output or file that could not be parsed (<see cref="Parsing.XenParseException"/>).</summary>
        public static readonly XenErrorId UnreadableData = new XenErrorId(nameof(UnreadableData), XenErrorKind.InvalidData);

        public static readonly XenErrorId InvalidWildcardPattern = new XenErrorId(nameof(InvalidWildcardPattern), XenErrorKind.InvalidArgument);

        /// <summary>XenLab could not start or stop here (Start-XenLab, Stop-XenLab), with its reason.</summary>
        public static readonly XenErrorId LabFailed = new XenErrorId(nameof(LabFailed), XenErrorKind.ResourceUnavailable);
        public static readonly XenErrorId ComputerNameRequired = new XenErrorId(nameof(ComputerNameRequired), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId HostsAllowConflict = new XenErrorId(nameof(HostsAllowConflict), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId NoChangeRequested = new XenErrorId(nameof(NoChangeRequested), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId InvalidHostsAllowEntry = new XenErrorId(nameof(InvalidHostsAllowEntry), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId RelocationOpenToEveryone = new XenErrorId(nameof(RelocationOpenToEveryone), XenErrorKind.SecurityError);
        public static readonly XenErrorId ReadinessCheckFailed = new XenErrorId(nameof(ReadinessCheckFailed), XenErrorKind.ResourceUnavailable);
        public static readonly XenErrorId ReadinessCheckNeeded = new XenErrorId(nameof(ReadinessCheckNeeded), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId CheckNotWaivable = new XenErrorId(nameof(CheckNotWaivable), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId SkipCheckConflict = new XenErrorId(nameof(SkipCheckConflict), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId GuestProbeNeedsOneDomain = new XenErrorId(nameof(GuestProbeNeedsOneDomain), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId InvalidGuestProbe = new XenErrorId(nameof(InvalidGuestProbe), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId MigrationFailed = new XenErrorId(nameof(MigrationFailed), XenErrorKind.InvalidResult);
        public static readonly XenErrorId MigrationOutcomeUnknown = new XenErrorId(nameof(MigrationOutcomeUnknown), XenErrorKind.InvalidResult);
        public static readonly XenErrorId ConfigFileInvalid = new XenErrorId(nameof(ConfigFileInvalid), XenErrorKind.InvalidArgument);
        public static readonly XenErrorId DomainRunning = new XenErrorId(nameof(DomainRunning), XenErrorKind.ResourceBusy);
        public static readonly XenErrorId ConfigFileExists = new XenErrorId(nameof(ConfigFileExists), XenErrorKind.ResourceBusy);
        public static readonly XenErrorId ColdMoveFailed = new XenErrorId(nameof(ColdMoveFailed), XenErrorKind.WriteError);

        /// <summary>Move-XenDomain -SaveTo names a folder that cannot hold a state file (the path rule), or one that is not a folder on a host.</summary>
        public static readonly XenErrorId SaveFolderInvalid = new XenErrorId(nameof(SaveFolderInvalid), XenErrorKind.InvalidArgument);

        /// <summary>The -SaveTo folder is not proved to be the same shared folder on both hosts (a marker written on the source is not seen on the destination).</summary>
        public static readonly XenErrorId SaveFolderNotShared = new XenErrorId(nameof(SaveFolderNotShared), XenErrorKind.ResourceUnavailable);

        /// <summary>Something is at the state file's path already.</summary>
        public static readonly XenErrorId StateFileExists = new XenErrorId(nameof(StateFileExists), XenErrorKind.ResourceBusy);

        /// <summary>The domain to save does not run (halted, paused, shut down...) or is the host's control domain.</summary>
        public static readonly XenErrorId DomainNotRunning = new XenErrorId(nameof(DomainNotRunning), XenErrorKind.InvalidOperation);

        /// <summary>The destination has a domain of the guest's name (or UUID), which its toolstack's restore refuses.</summary>
        public static readonly XenErrorId DomainExists = new XenErrorId(nameof(DomainExists), XenErrorKind.ResourceBusy);

        /// <summary>The two hosts run different toolstacks: one's state file is not the other's.</summary>
        public static readonly XenErrorId ToolstackMismatch = new XenErrorId(nameof(ToolstackMismatch), XenErrorKind.InvalidOperation);

        /// <summary>Get-XenMigrationHistory -Path names no file.</summary>
        public static readonly XenErrorId JournalNotFound = new XenErrorId(nameof(JournalNotFound), XenErrorKind.ObjectNotFound);

        /// <summary>The migration journal exists but cannot be read (no permission, held by another process too long, not a file).</summary>
        public static readonly XenErrorId JournalUnreadable = new XenErrorId(nameof(JournalUnreadable), XenErrorKind.ResourceUnavailable);

        /// <summary>A migration job's own failure, which has no more precise category than the exception that ended it.</summary>
        public static readonly XenErrorId MigrationJobFailed = new XenErrorId(nameof(MigrationJobFailed), XenErrorKind.NotSpecified);
    }
}
