using XenPS.Core.Model;

namespace XenPS.Core.Readiness
{
    /// <summary>
    /// Checks whether domains can be live-migrated from one dom0 to another. All domains of a request share the host
    /// queries, batched into at most three SSH round trips per host:
    /// <list type="number">
    /// <item>both hosts at once: the Xen tools, xend's state, <c>info</c>, the domain list, /proc/cpuinfo, the bridges; on the
    /// destination also xend-config.sxp, the listening sockets, its own host name and addresses;</item>
    /// <item>the source: marker files beside the requested domains' disk images; the choice of the migration target (the first
    /// candidate the source reaches, see <see cref="ReadinessRequest.MigrationTarget"/>) and the route to it; for xm a held
    /// connection to its relocation port, for xl (or a bandwidth measurement) a non-interactive ssh login and the timed transfer;</item>
    /// <item>the destination: each disk path and each marker (deleted when seen), and its name for the source's address;</item>
    /// <item>the source again, only when markers may be left there (storage not shared, or a step failed): their removal.</item>
    /// </list>
    /// Every host reached gets at most three round trips; the rules that turn the facts into checks are pure functions.
    /// </summary>
    public static class ReadinessChecker
    {
        /// <summary>The checks that write on a host (SharedStorage's marker files): not run for a <see cref="ReadinessRequest.ReadOnly"/> request.</summary>
        public static IReadOnlyList<string> WritingChecks { get; } = new[] { ReadinessCheckId.SharedStorage };

        /// <summary>How the detail of a check that was not run for a <see cref="ReadinessRequest.ReadOnly"/> request begins.</summary>
        public const string NotRunReadOnly = "Not run under -WhatIf";

        /// <summary>
        /// One report per name in <see cref="ReadinessRequest.Domains"/>, in that order. <paramref name="log"/> receives a line
        /// <c>"{host}: SSH round trip {n}: {what}"</c> before each round trip, plus a line when a marker file could not be removed;
        /// it is called one line at a time, possibly from a thread-pool thread. Hosts that cannot be reached, commands that fail
        /// and missing domains become failed checks, not exceptions.
        /// </summary>
        /// <exception cref="OperationCanceledException">Cancelled; markers already written are removed first.</exception>
        public static Task<IReadOnlyList<ReadinessReport>> CheckAsync(ReadinessRequest request, Action<string> log, CancellationToken cancellationToken)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            if (log is null) throw new ArgumentNullException(nameof(log));
            if (string.IsNullOrEmpty(request.SourceName)) throw new ArgumentException("The request names no source host.", nameof(request));
            if (string.IsNullOrEmpty(request.DestinationName)) throw new ArgumentException("The request names no destination host.", nameof(request));
            if (request.Domains is null) throw new ArgumentException("The request lists no domains.", nameof(request));
            if (request.MigrationTarget != null && MigrationTarget.ProblemWith(request.MigrationTarget) is string problem)
            {
                throw new ArgumentException($"The migration target {problem}.", nameof(request));
            }
            if (!string.IsNullOrEmpty(request.SshCommand) && SshCommandLine.ProblemWith(request.SshCommand!) is string sshProblem)
            {
                throw new ArgumentException($"The ssh command {sshProblem}.", nameof(request));
            }
            CheckWaiver.Validate(request.WaivedChecks ?? throw new ArgumentException("The request's WaivedChecks is null; give an empty list to waive none.", nameof(request)));
            var source = ReadinessEndpoint.From(request.Source, request.SourceError, request.SourceName);
            var destination = ReadinessEndpoint.From(request.Destination, request.DestinationError, request.DestinationName);
            return new ReadinessRun(source, destination, request, log).RunAsync(cancellationToken);
        }

        /// <summary>The same check over any two shells (the tests run it over local ones); <paramref name="request"/> gives the domains and the settings.</summary>
        internal static Task<IReadOnlyList<ReadinessReport>> CheckAsync(
            ReadinessEndpoint source, ReadinessEndpoint destination, ReadinessRequest request, Action<string> log, CancellationToken cancellationToken) =>
            new ReadinessRun(source, destination, request, log).RunAsync(cancellationToken);
    }
}
