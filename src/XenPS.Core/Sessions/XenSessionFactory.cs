using XenPS.Core.Remote;
using XenPS.Core.Text;
using XenPS.Core.Toolstacks;

namespace XenPS.Core.Sessions
{
    /// <summary>Opens sessions.</summary>
    public static class XenSessionFactory
    {
        /// <summary>The section added to the toolstack probe that tells whether the commands run as root.</summary>
        private const string UidSection = "uid";

        /// <summary>
        /// Connects (host key check, authentication) and detects the toolstack; the same round trip reads the user id the commands run
        /// as, for <see cref="XenSession.NotRootWarning"/>. The session is not registered.
        /// </summary>
        public static async Task<XenSession> OpenAsync(SessionOptions options, CancellationToken cancellationToken)
        {
            var shell = await SshRemoteShell.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            try
            {
                var sections = await ToolstackDetector.ProbeAsync(shell, ToolstackDetector.NewBatch().Add(UidSection, "id -u"), cancellationToken).ConfigureAwait(false);
                var detection = ToolstackDetector.Interpret(sections, shell.ComputerName);
                return new XenSession(shell, detection, NotRootWarning(shell.ComputerName, shell.UserName, shell.UseSudo, sections[UidSection]));
            }
            catch
            {
                shell.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The warning for a session whose commands do not run as root (<c>id -u</c> is not 0) and that does not use sudo: the toolstack's
        /// commands refuse such a user, and -UseSudo, with a sudo rule that asks no password, is the remedy. Null otherwise, and when
        /// <c>id -u</c> printed nothing readable (the commands will say what fails).
        /// </summary>
        internal static string? NotRootWarning(string computerName, string userName, bool useSudo, RemoteResult uid)
        {
            if (useSudo || uid.ExitCode != 0 || !int.TryParse(uid.Stdout.Trim(), out var id) || id == 0) return null;
            var user = VisibleText.Shorten(userName);
            return $"{user}@{computerName} is not root (uid {id}) and the session does not use sudo: the commands that need root (xm and xl list, " +
                $"info and migrate) will be refused, and XenVersion may be empty. Open it with New-XenSession -ComputerName {computerName} -UseSudo -Force " +
                $"(and -Credential {user}); on the host, {user} needs a sudo rule that asks no password, such as '{user} ALL=(root) NOPASSWD: ALL' " +
                "in a file under /etc/sudoers.d.";
        }
    }
}
