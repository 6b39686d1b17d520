using System.Text.RegularExpressions;
using XenPS.Core.Text;

namespace XenPS.Core.Model
{
    /// <summary>
    /// The grammar of xl's <c>-s SSHCOMMAND</c>. xl pastes it unquoted into <c>exec SSHCOMMAND HOST xl migrate-receive</c>
    /// and runs that with <c>sh -c</c> (xl_migrate.c main_migrate, create_migration_child), so it must be words that sh
    /// reads literally: letters, digits and <c>_ . / : = , @ + % -</c>, separated by single spaces, the first a program.
    /// </summary>
    public static class SshCommandLine
    {
        /// <summary>The longest command accepted, in characters.</summary>
        public const int MaxLength = 1024;

        private static readonly Regex Word = new Regex("^[A-Za-z0-9_./:=,@+%-]+$", RegexOptions.CultureInvariant);

        /// <summary>
        /// Null when <paramref name="value"/> is safe to give xl as <c>-s</c>; otherwise what is wrong with it, as the end of a
        /// sentence that names the value.
        /// </summary>
        public static string? ProblemWith(string value)
        {
            if (value.Length == 0) return "is empty (xl would then run the target host name itself as a command)";
            var shown = VisibleText.Shorten(value);
            if (value.Length > MaxLength) return $"'{shown}' is longer than {MaxLength} characters";
            var words = value.Split(' ');
            if (words.Any(w => w.Length == 0)) return $"'{shown}' has a leading, trailing or double space";
            if (words.Any(w => !Word.IsMatch(w)))
            {
                return $"'{shown}' holds a character that the shell xl runs it with would interpret: only letters, digits, spaces and _ . / : = , @ + % - are allowed";
            }
            if (words[0].StartsWith("-", System.StringComparison.Ordinal) || words[0].Contains('='))
            {
                return $"'{shown}' does not start with a program (its first word starts with '-' or holds '=')";
            }
            return null;
        }
    }
}
