using Xunit;

namespace XenPS.Tests
{
    /// <summary>
    /// Tests that take a free loopback port as one that nothing listens on, or open listeners on ports the kernel chose: they run
    /// one after another, so that one test's listener never lands on the port another expects closed.
    /// </summary>
    [CollectionDefinition(Name)]
    public sealed class LoopbackPorts
    {
        public const string Name = "Loopback ports";
    }
}
