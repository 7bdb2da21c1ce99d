using System.Text.Json.Serialization;

namespace FlowMachine.Scheduling;

/// <summary>The answer to a trigger or a backfill (the API's, the client's and the CLI's): the flows it started, and the slots it did not start.</summary>
public sealed record ScheduleStarted
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

    /// <summary>The answer for what a trigger or backfill of schedule <paramref name="name"/> started.</summary>
    public static ScheduleStarted Of(string name, ScheduleStart start) => new()
    {
        Schedule = name,
        FlowIds = [.. (start ?? throw new ArgumentNullException(nameof(start))).Created.Select(f => f.Id)],
        Slots = [.. start.Created.Select(f => f.Slot ?? f.CreatedAt)],
        Skipped = start.Skipped,
        AlreadyStarted = start.Keys.Count - start.Created.Count,
    };
}
