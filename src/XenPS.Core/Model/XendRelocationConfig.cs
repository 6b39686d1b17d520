using XenPS.Core.Text;

namespace XenPS.Core.Model
{
    /// <summary>
    /// The relocation (xm migrate) settings of one dom0's <c>xend-config.sxp</c> as xend uses them, defaults applied,
    /// plus what was seen on the host. Filled by Relocation.RelocationSettings.Read and the caller.
    /// </summary>
    public sealed class XendRelocationConfig
    {
        /// <summary>The host as the user named it (session ComputerName).</summary>
        public string ComputerName { get; set; } = "";

        /// <summary>The configuration file, normally <c>/etc/xen/xend-config.sxp</c>.</summary>
        public string Path { get; set; } = "";

        /// <summary>
        /// Whether <see cref="Path"/> exists on the host. Without it xend runs with its built-in defaults (it reads a
        /// missing file as an empty one), and the settings here are those defaults.
        /// </summary>
        public bool FileExists { get; set; }

        /// <summary><c>xend-relocation-server</c>: whether xend accepts incoming migrations (default no).</summary>
        public bool Server { get; set; }

        /// <summary>xend's relocation port when the file sets none.</summary>
        public const int DefaultPort = 8002;

        /// <summary>xend's SSL relocation port when the file sets none.</summary>
        public const int DefaultSslPort = 8003;

        /// <summary><c>xend-relocation-port</c> (default 8002).</summary>
        public int Port { get; set; } = DefaultPort;

        /// <summary><c>xend-relocation-address</c>: the address or interface xend listens on; empty means every interface (the default).</summary>
        public string Address { get; set; } = "";

        /// <summary>
        /// <c>xend-relocation-hosts-allow</c> split as xend splits it (on single spaces): regular expressions matched against
        /// the start of the peer's name and address. Empty means every host may connect (the default).
        /// </summary>
        public string[] HostsAllow { get; set; } = Array.Empty<string>();

        /// <summary><c>xend-relocation-ssl-server</c> (default no).</summary>
        public bool SslServer { get; set; }

        /// <summary><c>xend-relocation-ssl-port</c> (default 8003).</summary>
        public int SslPort { get; set; } = DefaultSslPort;

        /// <summary>Whether xend runs on the host.</summary>
        public bool XendRunning { get; set; }

        /// <summary>Whether something listens on <see cref="Port"/> on the host.</summary>
        public bool Listening { get; set; }

        /// <summary>Whether the file was changed by the call that returned this object.</summary>
        public bool Changed { get; set; }

        /// <summary>The copy of the file made before changing it, if any.</summary>
        public string? BackupPath { get; set; }

        /// <summary>
        /// True when the relocation server is on and admits every host: hosts-allow is empty, holds an empty entry (a
        /// doubled or trailing space), or holds a pattern that matches any name or any address, such as <c>^</c> or
        /// <c>.*</c> (see <see cref="XendHostsAllow.AdmitsEveryone"/>).
        /// </summary>
        public bool IsOpenToEveryone => Server && XendHostsAllow.AdmitsEveryone(HostsAllow) != null;

        public override string ToString() => ComputerName;
    }
}
