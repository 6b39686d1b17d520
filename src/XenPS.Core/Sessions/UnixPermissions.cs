using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace XenPS.Core.Sessions
{
    /// <summary>
    /// Sets Unix permission bits where the runtime offers <c>File.SetUnixFileMode</c> (.NET 7 and later on Linux and macOS).
    /// This assembly targets netstandard2.0, which lacks the API, so it is found at run time; on Windows nothing is done.
    /// </summary>
    internal static class UnixPermissions
    {
        public const int OwnerReadWrite = 0x180; // 0600

        public const int OwnerAll = 0x1C0; // 0700

        private static readonly Type? ModeType = Type.GetType("System.IO.UnixFileMode");

        private static readonly MethodInfo? SetMode =
            ModeType is null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), ModeType });

        public static void Set(string path, int mode)
        {
            if (SetMode is null || RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            try
            {
                SetMode.Invoke(null, new[] { path, Enum.ToObject(ModeType!, mode) });
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
        }
    }
}
