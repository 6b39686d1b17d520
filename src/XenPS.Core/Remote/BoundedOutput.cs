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
        /// Reads <paramref name="stream"/> to its end on a thread of its own (its reads block) and returns the text kept: all of it
        /// within the budget, or what arrived before the budget ran out.
        /// </summary>
        public Task<string> ReadAsync(Stream stream, Encoding encoding) =>
            Task.Factory.StartNew(() => Read(stream, encoding), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        /// <summary>Reads <paramref name="stream"/> to its end on the calling thread; see <see cref="ReadAsync"/>.</summary>
        public string Read(Stream stream, Encoding encoding)
        {
            var decoder = encoding.GetDecoder();
            var bytes = new byte[ChunkSize];
            var chars = new char[encoding.GetMaxCharCount(ChunkSize)];
            var text = new StringBuilder();
            int count;
            while ((count = stream.Read(bytes, 0, bytes.Length)) > 0)
            {
                if (Exceeded || !Take(count)) continue;
                var decoded = decoder.GetChars(bytes, 0, count, chars, 0, false);
                text.Append(chars, 0, decoded);
            }
            if (!Exceeded) text.Append(chars, 0, decoder.GetChars(bytes, 0, 0, chars, 0, true));
            return text.ToString();
        }

        private bool Take(int count)
        {
            if (Interlocked.Add(ref used, count) <= limit) return true;
            if (Interlocked.Exchange(ref exceeded, 1) == 0) onExceeded();
            return false;
        }
    }
}
