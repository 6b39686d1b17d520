using System.Text.Json;
using XenPS.Core.Model;

namespace XenPS.Core.Migration
{
    /// <summary>Whether a journal line opens a migration or ends it.</summary>
    internal enum MigrationJournalEvent
    {
        Start,
        End,
    }

    /// <summary>
    /// One line of the migration journal, a JSON object on one line: <c>"event":"start"</c> when XenPS starts a migration,
    /// <c>"event":"end"</c> when it ends, both with the migration's <c>id</c>. An end line repeats the domain, source and
    /// destination, so that it can stand alone, and carries what was learnt only during the migration (the domain's UUID, the
    /// migration target chosen). Times are UTC in ISO 8601; durations are milliseconds.
    /// </summary>
    internal sealed class MigrationJournalLine
    {
        /// <summary>The version of the line format; a reader skips lines of another version.</summary>
        public const int FormatVersion = 1;

        public MigrationJournalEvent Event { get; set; }

        public Guid Id { get; set; }

        /// <summary>When the line was written (UTC).</summary>
        public DateTime Time { get; set; }

        public string Domain { get; set; } = "";

        public string Source { get; set; } = "";

        public string Destination { get; set; } = "";

        public string? DomainUuid { get; set; }

        public MigrationTarget? Target { get; set; }

        // Start lines.
        public string? User { get; set; }

        public string? Client { get; set; }

        public int ProcessId { get; set; }

        /// <summary>When the process that wrote the start line started (UTC): with <see cref="ProcessId"/>, tells that process from a later one with its id.</summary>
        public DateTime? ProcessStart { get; set; }

        public Toolstack? Toolstack { get; set; }

        public bool Live { get; set; }

        // End lines.
        public MigrationHistoryStatus Status { get; set; }

        public string? Message { get; set; }

        public string? ErrorId { get; set; }

        public TimeSpan? Duration { get; set; }

        public DomainLocation? Location { get; set; }

        public TimeSpan? GuestDowntime { get; set; }

        /// <summary>The line as JSON, without a line break; every character outside printable ASCII escaped.</summary>
        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("v", FormatVersion);
                Text(json, "event", Event == MigrationJournalEvent.Start ? "start" : "end");
                Text(json, "id", Id.ToString("D"));
                Text(json, "time", Utc(Time).ToString("o", CultureInfo.InvariantCulture));
                if (Event == MigrationJournalEvent.Start)
                {
                    Text(json, "user", User ?? "");
                    Text(json, "client", Client ?? "");
                    json.WriteNumber("pid", ProcessId);
                    if (ProcessStart is DateTime started) Text(json, "processStart", Utc(started).ToString("o", CultureInfo.InvariantCulture));
                }
                Text(json, "domain", Domain);
                if (DomainUuid != null) Text(json, "uuid", DomainUuid);
                Text(json, "source", Source);
                Text(json, "destination", Destination);
                if (Event == MigrationJournalEvent.Start)
                {
                    if (Toolstack is Model.Toolstack toolstack) Text(json, "toolstack", toolstack.ToString());
                    json.WriteBoolean("live", Live);
                }
                if (Target != null)
                {
                    json.WriteStartObject("target");
                    Text(json, "host", Target.Host);
                    if (Target.Address.Length > 0) Text(json, "address", Target.Address);
                    json.WriteNumber("port", Target.Port);
                    Text(json, "origin", Target.Origin.ToString());
                    Text(json, "reason", Target.Reason);
                    json.WriteEndObject();
                }
                if (Event == MigrationJournalEvent.End)
                {
                    Text(json, "status", Status.ToString());
                    if (Message != null) Text(json, "message", Message);
                    if (ErrorId != null) Text(json, "errorId", ErrorId);
                    if (Duration is TimeSpan duration) json.WriteNumber("durationMs", (long)duration.TotalMilliseconds);
                    if (Location is DomainLocation location) Text(json, "location", location.ToString());
                    if (GuestDowntime is TimeSpan downtime) json.WriteNumber("downtimeMs", (long)downtime.TotalMilliseconds);
                }
                json.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        /// <summary>Writes a string property, with an unpaired surrogate (which UTF-8 cannot hold) replaced by U+FFFD.</summary>
        private static void Text(Utf8JsonWriter json, string name, string value)
        {
            var chars = value.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
                else if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
            }
            json.WriteString(name, new string(chars));
        }

        /// <summary>Reads one line; null with <paramref name="problem"/> saying why when it is not a journal line this reader knows.</summary>
        public static MigrationJournalLine? Parse(string text, out string? problem)
        {
            problem = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    problem = "it is not a JSON object";
                    return null;
                }
                if (!root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != FormatVersion)
                {
                    problem = $"it has no \"v\":{FormatVersion} (a line of another version of XenPS, or not a journal line)";
                    return null;
                }
                var line = new MigrationJournalLine
                {
                    Event = String(root, "event") switch
                    {
                        "start" => MigrationJournalEvent.Start,
                        "end" => MigrationJournalEvent.End,
                        _ => throw new FormatException("its \"event\" is neither \"start\" nor \"end\""),
                    },
                    Id = Guid.TryParse(String(root, "id"), out var id) ? id : throw new FormatException("it has no valid \"id\""),
                    Time = TimeOf(root, "time") ?? throw new FormatException("it has no valid \"time\""),
                    Domain = String(root, "domain") ?? throw new FormatException("it has no \"domain\""),
                    Source = String(root, "source") ?? "",
                    Destination = String(root, "destination") ?? "",
                    DomainUuid = String(root, "uuid"),
                    User = String(root, "user"),
                    Client = String(root, "client"),
                    ProcessId = Int(root, "pid") ?? 0,
                    ProcessStart = TimeOf(root, "processStart"),
                    Toolstack = Enum<Toolstack>(root, "toolstack"),
                    Live = root.TryGetProperty("live", out var live) && live.ValueKind == JsonValueKind.True,
                    Message = String(root, "message"),
                    ErrorId = String(root, "errorId"),
                    Duration = Milliseconds(root, "durationMs"),
                    Location = Enum<DomainLocation>(root, "location"),
                    GuestDowntime = Milliseconds(root, "downtimeMs"),
                    Target = TargetOf(root),
                };
                if (line.Event == MigrationJournalEvent.End)
                {
                    line.Status = Enum<MigrationHistoryStatus>(root, "status") ?? throw new FormatException("it has no valid \"status\"");
                }
                return line;
            }
            catch (JsonException e)
            {
                problem = "it is not complete JSON (" + e.Message.TrimEnd('.') + ")";
                return null;
            }
            catch (FormatException e)
            {
                problem = e.Message;
                return null;
            }
        }

        private static DateTime Utc(DateTime time) => time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);

        private static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static int? Int(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

        private static TimeSpan? Milliseconds(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms >= 0
                ? TimeSpan.FromMilliseconds(ms)
                : null;

        private static DateTime? TimeOf(JsonElement root, string name) =>
            String(root, name) is string text && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
                ? DateTime.SpecifyKind(time, DateTimeKind.Utc)
                : null;

        private static T? Enum<T>(JsonElement root, string name) where T : struct =>
            String(root, name) is string text && !text.Any(char.IsDigit) && System.Enum.TryParse<T>(text, false, out var value) ? value : null;

        private static MigrationTarget? TargetOf(JsonElement root)
        {
            if (!root.TryGetProperty("target", out var target) || target.ValueKind != JsonValueKind.Object) return null;
            if (String(target, "host") is not string host) return null;
            return new MigrationTarget
            {
                Host = host,
                Address = String(target, "address") ?? "",
                Port = Int(target, "port") ?? 0,
                Origin = Enum<MigrationTargetOrigin>(target, "origin") ?? MigrationTargetOrigin.Explicit,
                Reason = String(target, "reason") ?? "",
            };
        }
    }
}
