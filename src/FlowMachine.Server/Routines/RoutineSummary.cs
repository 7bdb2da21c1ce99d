using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Server.Routines;

/// <summary>A routine version without its spec: what the list shows, with whether the routine is paused.</summary>
internal record RoutineSummary
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("owner")]
    public string? Owner { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True while the routine is paused (its flows are stored and accepted but not run); left out when it runs.</summary>
    [JsonPropertyName("paused")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Paused { get; init; }

    /// <summary>Since when the routine is paused (left out while it runs).</summary>
    [JsonPropertyName("pausedAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>Who paused it (left out while it runs, or when nobody is recorded).</summary>
    [JsonPropertyName("pausedBy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PausedBy { get; init; }

    public static RoutineSummary Of(RoutineRecord routine, PausedRoutine? paused) => new()
    {
        Name = routine.Name,
        Version = routine.Version,
        Owner = routine.Owner,
        CreatedAt = routine.CreatedAt,
        Paused = paused is not null,
        PausedAt = paused?.PausedAt,
        PausedBy = paused?.PausedBy,
    };
}
