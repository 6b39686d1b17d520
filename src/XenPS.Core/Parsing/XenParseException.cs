namespace XenPS.Core.Parsing
{
    /// <summary>The text handed to a parser is not the toolstack output it expects (not merely a field missing or unknown).</summary>
    public class XenParseException : FormatException
    {
        public XenParseException(string message)
            : base(message)
        {
        }

        public XenParseException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
