namespace XenPS
{
    /// <summary>The kinds of text that reach a shell on a dom0, each with its own rule.</summary>
    public enum ShellText
    {
        /// <summary>A host name or an IP address (no port, nothing a shell could read as more than one word).</summary>
        MigrationTarget,

        /// <summary>xl's <c>-s</c>: a program and its options, in words that the shell xl runs it with reads literally.</summary>
        SshCommand,
    }

    /// <summary>Accepts only text that follows the rule of its kind; the message says what is wrong and what to give instead.</summary>
    public sealed class ValidateShellTextAttribute : ValidateArgumentsAttribute
    {
        /// <summary>Validates text of the given kind.</summary>
        public ValidateShellTextAttribute(ShellText kind)
        {
            Kind = kind;
        }

        /// <summary>Which rule the text follows.</summary>
        public ShellText Kind { get; }

        /// <inheritdoc/>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var value = (arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as string ?? "";
            if (Kind == ShellText.MigrationTarget && MigrationTarget.ProblemWith(value) is string target)
            {
                throw new ValidationMetadataException(
                    $"The migration target {target}. Give the destination's name or address as the source dom0 reaches it, e.g. -MigrationTarget 192.168.3.10.");
            }
            if (Kind == ShellText.SshCommand && SshCommandLine.ProblemWith(value) is string command)
            {
                throw new ValidationMetadataException(
                    $"The ssh command {command}. Give a program and its options, e.g. -SshCommand 'ssh -p 2222'; put anything more in root's ~/.ssh/config on the source.");
            }
        }
    }
}
