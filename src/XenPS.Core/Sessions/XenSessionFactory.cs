using XenPS.Core.Toolstacks;

namespace XenPS.Core.Sessions
{
    /// <summary>Opens sessions.</summary>
    public static class XenSessionFactory
    {
        /// <summary>Connects (host key check, authentication) and detects the toolstack; the session is not registered.</summary>
        public static async Task<XenSession> OpenAsync(SessionOptions options, CancellationToken cancellationToken)
        {
            var shell = await SshRemoteShell.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            try
            {
                var detection = await ToolstackDetector.DetectAsync(shell, cancellationToken).ConfigureAwait(false);
                return new XenSession(shell, detection);
            }
            catch
            {
                shell.Dispose();
                throw;
            }
        }
    }
}
