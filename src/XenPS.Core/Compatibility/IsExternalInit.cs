namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// The marker type the compiler needs for init-only setters and records; netstandard2.0 lacks it, and the compiler
    /// accepts one declared in the assembly itself.
    /// </summary>
    internal static class IsExternalInit
    {
    }
}
