using XenPS.Core.Text;

namespace XenPS
{
    /// <summary>What the views of XenPS.Format.ps1xml show of a value that a host gave: its text with control characters escaped.</summary>
    public static class Display
    {
        /// <summary><paramref name="value"/> as text, with ESC, BEL, line breaks and the other control characters escaped (<c>\x1b</c>, <c>\n</c>).</summary>
        public static string Text(object? value) => VisibleText.Escape(value?.ToString());
    }
}
