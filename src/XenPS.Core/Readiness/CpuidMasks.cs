namespace XenPS.Core.Readiness
{
    /// <summary>
    /// The CPUID levelling a host's Xen command line sets (the <c>xen_commandline</c> line of xm/xl info): the
    /// <c>cpuid_mask_*</c> options, where a clear bit hides that feature from every guest of the host.
    /// <para>
    /// Source: Xen 4.20.0, <c>docs/misc/xen-command-line.pandoc</c> (cpuid_mask_ecx, _edx, _ext_ecx, _ext_edx, _xsave_eax,
    /// _l7s0_ebx: "Settings applied here take effect globally, including for Xen and all guests"), and Xen 4.0.1,
    /// <c>xen/arch/x86/cpu/amd.c</c> and <c>intel.c</c>, where a mask of 0 means the option is not set. The options
    /// cpuid_mask_l7s0_eax and cpuid_mask_thermal_ecx mask no feature the CPU check compares, and the AMD preset
    /// <c>cpuid_mask_cpu=fam_…</c> is not read: which bits each preset clears is a table inside Xen's amd.c.
    /// A value is read as Xen reads an integer option: 0x… hexadecimal, 0… octal, else decimal; '-' and '_' in a name are
    /// the same; the last occurrence counts. A value that is no number leaves the option unset, as Xen ignores it.
    /// </para>
    /// </summary>
    internal sealed class CpuidMasks
    {
        /// <summary>Option name → featureset word (see <see cref="CpuFeatures"/>).</summary>
        private static readonly Dictionary<string, int> Words = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["cpuid_mask_edx"] = 0,
            ["cpuid_mask_ecx"] = 1,
            ["cpuid_mask_ext_edx"] = 2,
            ["cpuid_mask_ext_ecx"] = 3,
            ["cpuid_mask_xsave_eax"] = 4,
            ["cpuid_mask_l7s0_ebx"] = 5,
        };

        private readonly Dictionary<int, uint> masks;

        private CpuidMasks(Dictionary<int, uint> masks, IReadOnlyList<string> options)
        {
            this.masks = masks;
            Options = options;
        }

        /// <summary>The options in effect, as <c>name=value</c> in the command line's spelling.</summary>
        public IReadOnlyList<string> Options { get; }

        public static CpuidMasks FromCommandLine(string commandLine)
        {
            var masks = new Dictionary<int, uint>();
            var options = new Dictionary<int, string>();
            foreach (var option in commandLine.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = option.IndexOf('=');
                if (equals < 0 || !Words.TryGetValue(option.Substring(0, equals).Replace('-', '_'), out var word)) continue;
                var value = Integer(option.Substring(equals + 1));
                if (value is null) continue;
                if (value.Value == 0)
                {
                    masks.Remove(word);
                    options.Remove(word);
                }
                else
                {
                    masks[word] = value.Value;
                    options[word] = option;
                }
            }
            return new CpuidMasks(masks, options.OrderBy(o => o.Key).Select(o => o.Value).ToArray());
        }

        /// <summary>Whether a mask clears bit <paramref name="bit"/> of featureset word <paramref name="word"/>.</summary>
        public bool Hides(int word, int bit) => masks.TryGetValue(word, out var mask) && (mask & (1u << bit)) == 0;

        private static uint? Integer(string text)
        {
            var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
            var digits = hex ? text.Substring(2) : text;
            var radix = hex ? 16 : digits.Length > 1 && digits[0] == '0' ? 8 : 10;
            if (digits.Length == 0) return null;
            ulong value = 0;
            foreach (var c in digits)
            {
                var digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
                if (digit >= radix) return null;
                value = value * (ulong)radix + (ulong)digit;
                if (value > uint.MaxValue) return null;
            }
            return (uint)value;
        }
    }
}
