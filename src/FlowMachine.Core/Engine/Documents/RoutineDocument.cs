using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Engine;

/// <summary>One routine version with its spec (secret params masked): the answer of <c>GET /api/v1/routines/{name}</c>, as the server sends it and the client reads it.</summary>
public sealed record RoutineDocument : RoutineSummary
{
    /// <summary>An empty document, for reading one from JSON.</summary>
    [JsonConstructor]
    public RoutineDocument()
    {
    }

    /// <summary>A document of <paramref name="summary"/> with <paramref name="spec"/>.</summary>
    [SetsRequiredMembers]
    public RoutineDocument(RoutineSummary summary, JsonNode? spec)
        : base(summary) => Spec = spec;

    /// <summary>The normalised spec, secret params masked.</summary>
    [JsonPropertyName("spec")]
    [JsonPropertyOrder(1)]
    public JsonNode? Spec { get; init; }
}
