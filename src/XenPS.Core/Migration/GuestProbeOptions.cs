namespace XenPS.Core.Migration
{
    /// <summary>Where the guest probe's connections start from.</summary>
    public enum GuestProbeLocation
    {
        /// <summary>This computer, where XenPS runs.</summary>
        Client,

        /// <summary>The source dom0, in a loop run there over SSH.</summary>
        Source,

        /// <summary>The destination dom0, in a loop run there over SSH.</summary>
        Destination,
    }

    /// <summary>The guest probe of one migration: what to connect to, from where, and how often.</summary>
    public sealed class GuestProbeOptions
    {
        public GuestProbeOptions(GuestProbeTarget target)
        {
            Target = target ?? throw new ArgumentNullException(nameof(target));
        }

        public GuestProbeTarget Target { get; }

        public GuestProbeLocation Location { get; set; } = GuestProbeLocation.Client;

        /// <summary>Time between the starts of two connection attempts.</summary>
        public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>How long one connection attempt waits for the guest's answer.</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>After the migration, how long the guest gets to answer again before it is reported as not answering.</summary>
        public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>The guest must answer before the migration starts (the default); false starts it anyway.</summary>
        public bool RequireAnswerBefore { get; set; } = true;

        /// <summary>Where the probe runs, for messages: <c>com-xp1:3389 from the client</c>.</summary>
        public string Describe(string source, string destination) => Location switch
        {
            GuestProbeLocation.Source => $"{Target} from {source}",
            GuestProbeLocation.Destination => $"{Target} from {destination}",
            _ => $"{Target} from this computer",
        };
    }
}
