using System.Text.RegularExpressions;

namespace XenPS.Core.Remote
{
    /// <summary>The one way XenPS turns words into POSIX shell text: every word is single-quoted.</summary>
    public static class ShellQuote
    {
        /// <summary>Quotes one word so that sh reads it back unchanged, whatever it contains.</summary>
        public static string Quote(string word)
        {
            if (word is null) throw new ArgumentNullException(nameof(word));
            if (word.IndexOf('\0') >= 0) throw new ArgumentException("A shell word cannot contain a NUL character.", nameof(word));
            var sb = new StringBuilder(word.Length + 2);
            sb.Append('\'');
            foreach (var c in word)
            {
                if (c == '\'') sb.Append("'\\''");
                else sb.Append(c);
            }
            sb.Append('\'');
            return sb.ToString();
        }

        /// <summary>A word as a user types it at a shell: as it is when sh reads it so, else quoted.</summary>
        public static string AsTyped(string word) => PlainWord.IsMatch(word) ? word : Quote(word);

        /// <summary>A word that sh reads as it is: no blank, quote, glob, expansion or operator character.</summary>
        private static readonly Regex PlainWord = new Regex(@"\A[A-Za-z0-9._+:@%,=/-]+\z", RegexOptions.CultureInvariant);

        /// <summary>Joins a program and its arguments into one command line, each word quoted.</summary>
        public static string Join(params string[] words) => string.Join(" ", words.Select(Quote));
    }
}
