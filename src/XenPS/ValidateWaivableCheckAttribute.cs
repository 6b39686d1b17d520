using XenPS.Core.Readiness;

namespace XenPS
{
    /// <summary>Accepts only readiness checks that may be waived; the message says why a check cannot be, and what to do instead.</summary>
    public sealed class ValidateWaivableCheckAttribute : ValidateEnumeratedArgumentsAttribute
    {
        /// <inheritdoc/>
        protected override void ValidateElement(object element)
        {
            var id = (element is PSObject wrapped ? wrapped.BaseObject : element) as string ?? "";
            if (CheckWaiver.Refusal(id) is string refusal) throw new ValidationMetadataException(refusal);
        }
    }
}
