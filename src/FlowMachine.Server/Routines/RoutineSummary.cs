using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Server.Routines;

/// <summary>A routine version without its spec: what the list shows.</summary>
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

    public static RoutineSummary Of(RoutineRecord routine) =>
        new() { Name = routine.Name, Version = routine.Version, Owner = routine.Owner, CreatedAt = routine.CreatedAt };
}
