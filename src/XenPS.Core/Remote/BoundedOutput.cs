namespace XenPS.Core.Remote
{
    /// <summary>
    /// Reads the output streams of one command as the data arrives, decoding it straight into text, within one byte budget for
    /// all of them. Past the budget the rest is read and dropped (so nothing piles up while the command is stopped) and
    /// <see cref="Exceeded"/> is set; the first time, the callback given to the constructor runs.
    /// </summary>
    internal sealed class BoundedOutput
    {
        private const int ChunkSize = 32 * 1024;

        private readonly long limit;
        private readonly Action onExceeded;
        private long used;
        private int exceeded;

        public BoundedOutput(long limit, Action onExceeded)
        {
            this.limit = limit;
            this.onExceeded = onExceeded ?? throw new ArgumentNullException(nameof(onExceeded));
        }

        /// <summary>True once the streams together carried more than the limit.</summary>
        public bool Exceeded => Volatile.Read(ref exceeded) != 0;

        /// <summary>
        /// Reads one command's part of <paramref name="stream"/> (<see cref="OutputFrame.Read"/>) on a thread of its own (its reads
        /// block) and returns the text kept: all of it within the budget, or what arrived before the budget ran out.
        /// </summary>
        public Task<FramedText> ReadAsync(Stream stream, Encoding encoding, OutputFrame frame) =>
            Task.Factory.StartNew(() => Read(stream, encoding, frame), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        /// <summary>Reads one command's part of <paramref name="stream"/> on the calling thread; see <see cref="ReadAsync"/>.</summary>
        public FramedText Read(Stream stream, Encoding encoding, OutputFrame frame)
        {
            var decoder = encoding.GetDecoder();
            var chars = new char[encoding.GetMaxCharCount(ChunkSize)];
            var text = new StringBuilder();
            var end = frame.Read(stream, (bytes, offset, count) =>
            {
                if (Exceeded || !Take(count)) return;
                if (chars.Length < encoding.GetMaxCharCount(count)) chars = new char[encoding.GetMaxCharCount(count)];
                text.Append(chars, 0, decoder.GetChars(bytes, offset, count, chars, 0, false));
            });
            if (!Exceeded) text.Append(chars, 0, decoder.GetChars(Array.Empty<byte>(), 0, 0, chars, 0, true));
            return new FramedText(text.ToString(), end);
        }

        private bool Take(int count)
        {
            if (Interlocked.Add(ref used, count) <= limit) return true;
            if (Interlocked.Exchange(ref exceeded, 1) == 0) onExceeded();
            return false;
        }
    }

    /// <summary>The text one stream carried for a framed command, and how its frame ended.</summary>
    internal sealed record FramedText(string Text, FrameEnd End);
}
