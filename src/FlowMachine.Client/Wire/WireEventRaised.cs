using System.Text.Json.Serialization;

namespace FlowMachine.Client.Wire;

/// <summary>The answer of <c>POST /api/v1/events/{name}</c> (<c>EventRaised</c>).</summary>
internal sealed record WireEventRaised(
    [property: JsonPropertyName("reached")] int Reached,
    [property: JsonPropertyName("duplicate")] bool Duplicate);
