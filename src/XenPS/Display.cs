using XenPS.Core.Text;

namespace XenPS
{
    /// <summary>What the views of XenPS.Format.ps1xml show of a value that a host gave: its text with control characters escaped.</summary>
    public static class Display
    {
        /// <summary><paramref name="value"/> as text, with ESC, BEL, line breaks and the other control characters escaped (<c>\x1b</c>, <c>\n</c>).</summary>
        public static string Text(object? value) => VisibleText.Escape(value?.ToString());

        /// <summary><see cref="Text"/> of <paramref name="value"/> in lines of at most <paramref name="width"/> characters, broken at spaces.</summary>
        public static string Wrap(object? value, int width) => VisibleText.Wrap(Text(value), width);
    }
}
