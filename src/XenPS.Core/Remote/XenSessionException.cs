namespace XenPS.Core.Remote
{
    /// <summary>A session to a dom0 could not be opened or used. The message says what to do; it never holds a secret.</summary>
    public class XenSessionException : Exception
    {
        public XenSessionException(XenErrorId errorId, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId ?? throw new ArgumentNullException(nameof(errorId));
        }

        /// <summary>The kind of failure: one entry of <see cref="XenSessionErrorId"/>.</summary>
        public XenErrorId ErrorId { get; }
    }
}
