namespace XenPS.Core.Parsing
{
    /// <summary>An S-expression text that cannot be read: unbalanced parentheses or an unterminated quoted string.</summary>
    public sealed class SxpParseException : XenParseException
    {
        public SxpParseException(string problem, int line, int column)
            : base($"Invalid S-expression at line {line}, column {column}: {problem}")
        {
            Line = line;
            Column = column;
        }

        /// <summary>1-based line of the offending character.</summary>
        public int Line { get; }

        /// <summary>1-based column of the offending character.</summary>
        public int Column { get; }
    }
}
