namespace XenPS.Core.Remote
{
    /// <summary>
    /// One command on a long-lived <c>sh</c> that reads the commands to run from its standard input, one after the other, so that a
    /// command costs one round trip rather than a channel of its own. The text sent prints a line with a random nonce on both output
    /// streams before the command runs, and after it a line with the nonce and the exit status; what lies between is the command's
    /// output, byte for byte. The command's standard input is <c>/dev/null</c>, so it cannot read the commands that follow it.
    /// </summary>
    internal sealed class OutputFrame
    {
        private const int ChunkSize = 32 * 1024;

        /// <summary>Digits of an exit status, most; sh's statuses have three.</summary>
        private const int MaxStatusDigits = 10;

        private static readonly Encoding Ascii = Encoding.ASCII;

        private readonly string nonce;
        private readonly byte[] start;
        private readonly byte[] end;

        /// <summary>
        /// A frame marked by <paramref name="nonce"/>: ASCII letters and digits only (<see cref="RandomToken.New"/>), so that it needs no
        /// quoting in the shell's text.
        /// </summary>
        public OutputFrame(string nonce)
        {
            if (string.IsNullOrEmpty(nonce) || !nonce.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z')))
            {
                throw new ArgumentException("The nonce must be ASCII letters and digits.", nameof(nonce));
            }
            this.nonce = nonce;
            start = Ascii.GetBytes(nonce + "\n");
            end = Ascii.GetBytes("\n" + nonce + " ");
        }

        /// <summary>A frame with a new random nonce.</summary>
        public static OutputFrame New() => new OutputFrame(RandomToken.New());

        /// <summary>
        /// The line written to the shell for <paramref name="commandLine"/> (a command line such as <c>sh -c 'QUOTED'</c>, whose data is
        /// already quoted): the start lines, the command with its input from <c>/dev/null</c>, then the end lines with its exit status.
        /// </summary>
        public string Wrap(string commandLine) =>
            $"printf '%s\\n' {nonce}; printf '%s\\n' {nonce} >&2; {commandLine} </dev/null; x_status=$?; " +
            $"printf '\\n%s %s\\n' {nonce} \"$x_status\"; printf '\\n%s %s\\n' {nonce} \"$x_status\" >&2\n";

        /// <summary>
        /// Reads one stream of the shell up to the end of this frame, handing the command's output to <paramref name="content"/> as it
        /// arrives. Anything before the start line (what an earlier command's leftover background process printed) is dropped. The
        /// stream ending before the end line (the channel closed) gives a result without an exit status.
        /// </summary>
        public FrameEnd Read(Stream stream, Action<byte[], int, int> content)
        {
            var buffer = new byte[ChunkSize + Math.Max(start.Length, end.Length)];
            var held = 0;
            var started = false;
            var ended = false;
            var status = new StringBuilder();
            int count;
            while ((count = stream.Read(buffer, held, buffer.Length - held)) > 0)
            {
                held += count;
                if (!started)
                {
                    var at = IndexOf(buffer, held, start);
                    if (at < 0)
                    {
                        held = Keep(buffer, held, start.Length - 1);
                        continue;
                    }
                    held = Drop(buffer, held, at + start.Length);
                    started = true;
                }
                if (!ended)
                {
                    var at = IndexOf(buffer, held, end);
                    if (at < 0)
                    {
                        var safe = Math.Max(0, held - (end.Length - 1));
                        content(buffer, 0, safe);
                        held = Drop(buffer, held, safe);
                        continue;
                    }
                    content(buffer, 0, at);
                    held = Drop(buffer, held, at + end.Length);
                    ended = true;
                }
                for (var i = 0; i < held; i++)
                {
                    if (buffer[i] == (byte)'\n') return new FrameEnd(true, ParseStatus(status.ToString()));
                    if (buffer[i] < (byte)'0' || buffer[i] > (byte)'9' || status.Length == MaxStatusDigits) throw Malformed();
                    status.Append((char)buffer[i]);
                }
                held = 0;
            }
            if (started && !ended) content(buffer, 0, held);
            return new FrameEnd(started, null);
        }

        private static int ParseStatus(string digits) =>
            digits.Length == 0 ? throw Malformed() : int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

        private static IOException Malformed() => new IOException("The shell's end-of-command line is malformed.");

        private static int IndexOf(byte[] buffer, int count, byte[] pattern)
        {
            for (var i = 0; i + pattern.Length <= count; i++)
            {
                var j = 0;
                while (j < pattern.Length && buffer[i + j] == pattern[j]) j++;
                if (j == pattern.Length) return i;
            }
            return -1;
        }

        /// <summary>Keeps the last <paramref name="tail"/> bytes (a marker may begin there), moved to the front.</summary>
        private static int Keep(byte[] buffer, int held, int tail) => Drop(buffer, held, Math.Max(0, held - tail));

        /// <summary>Drops the first <paramref name="count"/> bytes; returns how many remain.</summary>
        private static int Drop(byte[] buffer, int held, int count)
        {
            Buffer.BlockCopy(buffer, count, buffer, 0, held - count);
            return held - count;
        }
    }

    /// <summary>How one stream of a framed command ended.</summary>
    /// <param name="Started">The start line arrived: the command may have run.</param>
    /// <param name="ExitStatus">The command's exit status; null when the stream ended before the end line.</param>
    internal readonly record struct FrameEnd(bool Started, int? ExitStatus);
}
