using System.Text.Json.Serialization;

namespace FlowMachine.Client;

/// <summary>What a schedule's trigger or backfill started on the server.</summary>
public sealed record ScheduleStartResult
{
    /// <summary>The schedule's name.</summary>
    [JsonPropertyName("schedule")]
    public required string Schedule { get; init; }

    /// <summary>The ids of the flows started, oldest slot first.</summary>
    [JsonPropertyName("flowIds")]
    public required IReadOnlyList<string> FlowIds { get; init; }

    /// <summary>The slots of those flows (UTC), in the same order.</summary>
    [JsonPropertyName("slots")]
    public required IReadOnlyList<DateTimeOffset> Slots { get; init; }

    /// <summary>Slots the overlap policy did not start.</summary>
    [JsonPropertyName("skipped")]
    public int Skipped { get; init; }

    /// <summary>Slots whose flow had been started before (a backfill starts a slot once).</summary>
    [JsonPropertyName("alreadyStarted")]
    public int AlreadyStarted { get; init; }
}
