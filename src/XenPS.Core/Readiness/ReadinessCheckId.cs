namespace XenPS.Core.Readiness
{
    /// <summary>The stable identifiers of the readiness checks, in the order a report lists them.</summary>
    public static class ReadinessCheckId
    {
        public const string HostsReachable = nameof(HostsReachable);
        public const string ToolstackMatch = nameof(ToolstackMatch);
        public const string XenVersion = nameof(XenVersion);
        public const string ToolPaths = nameof(ToolPaths);
        public const string XendRunning = nameof(XendRunning);
        public const string DomainState = nameof(DomainState);
        public const string PciPassthrough = nameof(PciPassthrough);
        public const string NameFree = nameof(NameFree);
        public const string SharedStorage = nameof(SharedStorage);
        public const string Memory = nameof(Memory);
        public const string Cpu = nameof(Cpu);
        public const string Bridges = nameof(Bridges);
        public const string Network = nameof(Network);
        public const string Relocation = nameof(Relocation);
        public const string SshTrust = nameof(SshTrust);
        public const string Bandwidth = nameof(Bandwidth);

        /// <summary>Every identifier, in report order.</summary>
        public static IReadOnlyList<string> All { get; } = new[]
        {
            HostsReachable, ToolstackMatch, XenVersion, ToolPaths, XendRunning, DomainState, PciPassthrough, NameFree,
            SharedStorage, Memory, Cpu, Bridges, Network, Relocation, SshTrust, Bandwidth,
        };
    }
}
