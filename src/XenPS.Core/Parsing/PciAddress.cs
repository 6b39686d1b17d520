namespace XenPS.Core.Parsing
{
    internal static class PciAddress
    {
        /// <summary>The <c>DDDD:BB:SS.F</c> form of a PCI address, as <c>lspci -D</c> prints it.</summary>
        public static string Format(int domain, int bus, int slot, int function) =>
            string.Format(CultureInfo.InvariantCulture, "{0:x4}:{1:x2}:{2:x2}.{3:x}", domain, bus, slot, function);
    }
}
