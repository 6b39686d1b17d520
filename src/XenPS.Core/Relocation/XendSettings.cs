using XenPS.Core.Model;
using XenPS.Core.Parsing;
using XenPS.Core.Remote;

namespace XenPS.Core.Relocation
{
    /// <summary>
    /// xend's settings from a dom0's xend-config.sxp that a migration depends on: the relocation server and dom0 ballooning
    /// (<c>XendOptions.py</c>: <c>dom0-min-mem</c> default 0, <c>enable-dom0-ballooning</c> default yes unless dom0-min-mem is 0).
    /// </summary>
    public sealed class XendSettings
    {
        public XendRelocationConfig Relocation { get; set; } = new XendRelocationConfig();

        /// <summary><c>dom0-min-mem</c> in MiB (xend's default 0).</summary>
        public long Dom0MinMemMB { get; set; }

        /// <summary><c>enable-dom0-ballooning</c> (xend's default: yes, unless dom0-min-mem is 0).</summary>
        public bool Dom0Ballooning { get; set; }

        /// <summary>
        /// The settings from a read of xend-config.sxp on <paramref name="name"/> (xend's defaults when there is no such file);
        /// null, with <paramref name="error"/> saying why, when it could not be read.
        /// </summary>
        public static XendSettings? Read(string name, bool xendRunning, RemoteResult section, out string? error)
        {
            error = null;
            try
            {
                var (content, document) = RelocationService.ReadConfig(name, RelocationService.DefaultConfigPath, section);
                var minMem = RelocationSettings.ReadInt(document, RelocationSettings.Dom0MinMemKey, 0);
                var relocation = RelocationService.Describe(name, RelocationService.DefaultConfigPath, document, content != null);
                relocation.XendRunning = xendRunning;
                return new XendSettings
                {
                    Relocation = relocation,
                    Dom0MinMemMB = minMem,
                    Dom0Ballooning = RelocationSettings.ReadBool(document, RelocationSettings.Dom0BallooningKey, minMem != 0),
                };
            }
            catch (XenSessionException e)
            {
                error = e.Message;
            }
            catch (XenParseException e)
            {
                error = $"{RelocationService.DefaultConfigPath} on {name} could not be read: {e.Message}";
            }
            return null;
        }
    }
}
