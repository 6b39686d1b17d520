namespace XenPS.Core.Parsing
{
    /// <summary>Culture-independent number reading for toolstack output; null when the text is missing or not a number.</summary>
    internal static class Numbers
    {
        public static int? Int(string? text) =>
            int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : (int?)null;

        public static long? Long(string? text) =>
            long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : (long?)null;

        public static double? Double(string? text) =>
            double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : (double?)null;

        /// <summary>A hexadecimal number with or without a <c>0x</c> prefix, as xend prints PCI addresses.</summary>
        public static int? Hex(string? text)
        {
            var digits = text?.Trim() ?? "";
            if (digits.StartsWith("0x") || digits.StartsWith("0X")) digits = digits.Substring(2);
            return int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : (int?)null;
        }
    }
}
