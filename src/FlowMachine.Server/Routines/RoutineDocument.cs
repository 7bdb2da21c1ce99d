using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Server.Routines;

/// <summary>One routine version with its spec (secret params redacted).</summary>
internal sealed record RoutineDocument : RoutineSummary
{
    [SetsRequiredMembers]
    public RoutineDocument(RoutineSummary summary, JsonNode? spec)
        : base(summary) => Spec = spec;

    [JsonPropertyName("spec")]
    [JsonPropertyOrder(1)]
    public JsonNode? Spec { get; init; }
}
