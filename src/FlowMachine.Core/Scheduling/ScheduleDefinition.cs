using System.Text.Json.Nodes;

namespace FlowMachine.Scheduling;

/// <summary>
/// What a schedule starts and when: a stored routine (pinned to <see cref="Version"/> or following the latest)
/// or an inline <see cref="Spec"/>, with <see cref="Input"/>, on <b>either</b> a <see cref="Cron"/> expression
/// (5 fields, or 6 with seconds) in <see cref="TimeZone"/> <b>or</b> an interval <see cref="Every"/>.
/// </summary>
public sealed record ScheduleDefinition
{
    /// <summary>The stored routine to start, or null with an inline <see cref="Spec"/>.</summary>
    public string? Routine { get; init; }

    /// <summary>The routine version to pin; null follows the latest version at each slot.</summary>
    public int? Version { get; init; }

    /// <summary>An inline spec (a JSON document, or JSON/YAML text in a string), or null with a <see cref="Routine"/>.</summary>
    public JsonNode? Spec { get; init; }

    /// <summary>The input of every flow the schedule starts.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>A cron expression: 5 fields (minute to day of week), 6 with seconds first, or a macro such as <c>@daily</c>.</summary>
    public string? Cron { get; init; }

    /// <summary>An interval of at least one second; slots fall on whole multiples of it from <see cref="StartAt"/> (or from 1970-01-01 UTC).</summary>
    public TimeSpan? Every { get; init; }

    /// <summary>The IANA time zone the cron expression is read in: <c>UTC</c> unless given.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>No slot before this time.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No slot after this time: the schedule has ended.</summary>
    public DateTimeOffset? EndAt { get; init; }

    public ScheduleOverlap Overlap { get; init; } = ScheduleOverlap.Skip;

    /// <summary>Which missed slots fire after downtime; null fires only the latest missed slot.</summary>
    public ScheduleCatchup? Catchup { get; init; }

    /// <summary>Tags for the flows the schedule starts.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The priority of the flows the schedule starts (from -1000 to 1000); null leaves it to the spec's <c>cfg.priority</c>, else 0.</summary>
    public int? Priority { get; init; }
}
