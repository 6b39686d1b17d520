using System.Diagnostics;
using System.Text;
using CsCheck;
using XenPS.Core.Remote;
using Xunit;

namespace XenPS.Tests.Sessions
{
    public class ShellQuotePropertyTests
    {
        /// <summary>Quote-heavy ASCII, whitespace, control characters, shell metacharacters and some non-ASCII text; no NUL.</summary>
        private static readonly Gen<string> Words =
            Gen.Char["'\"\\$`!*?[]{}()<>|&;#~=%^ \t\n\r-abcXYZ019é日本\u0001\u007f"].Array[0, 24].Select(chars => new string(chars));

        [Fact]
        public void ShReadsEveryQuotedWordBackUnchanged()
        {
            Words.Sample(word => Assert.Equal(word, PrintWithSh(word)), iter: 100, threads: 1);
        }

        [Theory]
        [InlineData("")]
        [InlineData("'")]
        [InlineData("it's")]
        [InlineData("-n")]
        [InlineData("a\nb")]
        [InlineData("$(reboot)")]
        public void ShReadsTheseWordsBackUnchanged(string word)
        {
            Assert.Equal(word, PrintWithSh(word));
        }

        private static string PrintWithSh(string word)
        {
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("printf %s " + ShellQuote.Quote(word));
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            return output;
        }
    }
}
