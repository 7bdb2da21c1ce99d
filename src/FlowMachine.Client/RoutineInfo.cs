using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Client;

/// <summary>A stored routine version as the server shows it; <see cref="Spec"/> only when one routine was asked for.</summary>
public sealed record RoutineInfo
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

    /// <summary>True while the routine is paused: its flows are stored but not run.</summary>
    [JsonPropertyName("paused")]
    public bool Paused { get; init; }

    /// <summary>Since when it is paused.</summary>
    [JsonPropertyName("pausedAt")]
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>Who paused it.</summary>
    [JsonPropertyName("pausedBy")]
    public string? PausedBy { get; init; }

    /// <summary>The normalised spec, secret params masked.</summary>
    [JsonPropertyName("spec")]
    public JsonNode? Spec { get; init; }
}
