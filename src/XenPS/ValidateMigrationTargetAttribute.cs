using System.Management.Automation;
using XenPS.Core.Model;

namespace XenPS
{
    /// <summary>Accepts only a host name or an IP address (no port, nothing a shell could read as more than one word).</summary>
    public sealed class ValidateMigrationTargetAttribute : ValidateArgumentsAttribute
    {
        /// <inheritdoc/>
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var value = (arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as string ?? "";
            if (MigrationTarget.ProblemWith(value) is string problem)
            {
                throw new ValidationMetadataException(
                    $"The migration target {problem}. Give the destination's name or address as the source dom0 reaches it, e.g. -MigrationTarget 192.168.3.10.");
            }
        }
    }
}
