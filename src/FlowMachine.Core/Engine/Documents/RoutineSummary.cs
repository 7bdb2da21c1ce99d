using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>A routine version without its spec, with whether the routine is paused: what <c>GET /api/v1/routines</c> lists, as the server sends it and the client reads it.</summary>
public record RoutineSummary
{
    /// <summary>The routine's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The version (from 1).</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; }

    /// <summary>Who saved it.</summary>
    [JsonPropertyName("owner")]
    public string? Owner { get; init; }

    /// <summary>When it was saved.</summary>
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

    /// <summary>The summary of <paramref name="routine"/>, paused when <paramref name="paused"/> is given.</summary>
    public static RoutineSummary Of(RoutineRecord routine, PausedRoutine? paused)
    {
        ArgumentNullException.ThrowIfNull(routine);
        return new()
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
}
