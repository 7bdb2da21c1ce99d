using System.Text.Json.Serialization;

namespace FlowMachine.Server.Routines;

/// <summary>The answer to saving a routine: its name and the version now newest.</summary>
/// <param name="Name">The routine's name.</param>
/// <param name="Version">The saved (or unchanged) version.</param>
internal sealed record RoutineSaved(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] int Version);
