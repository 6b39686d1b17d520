namespace XenPS
{
    /// <summary>Lets a host-name parameter take a session too (or a list of names and sessions): the session's ComputerName, which the registry maps back to it.</summary>
    public sealed class SessionToComputerNameAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc/>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value switch
            {
                XenSession session => session.ComputerName,
                object[] list => list.Select(item => Transform(engineIntrinsics, item)).ToArray(),
                _ => inputData,
            };
        }
    }
}
