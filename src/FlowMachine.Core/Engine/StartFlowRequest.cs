using System.Text.Json.Nodes;
using FlowMachine.Specs;

namespace FlowMachine;

/// <summary>What to start: a stored routine (by name and optional version) or an inline spec.</summary>
public sealed record StartFlowRequest
{
    /// <summary>A stored routine's name.</summary>
    public string? Routine { get; init; }

    /// <summary>The routine version; the newest when null.</summary>
    public int? Version { get; init; }

    /// <summary>An inline spec, as JSON or YAML text.</summary>
    public string? SpecText { get; init; }

    /// <summary>An inline spec, as a JSON document.</summary>
    public JsonNode? SpecNode { get; init; }

    /// <summary>An inline spec, already validated.</summary>
    public FlowSpec? Spec { get; init; }

    /// <summary>The flow's input.</summary>
    public JsonNode? Input { get; init; }

    /// <summary>A unique key; overrides the spec's. A start with an existing key returns that flow.</summary>
    public string? Key { get; init; }

    /// <summary>A label; overrides the spec's.</summary>
    public string? Label { get; init; }

    /// <summary>The user who owns the flow.</summary>
    public string? Owner { get; init; }

    /// <summary>Tags for the flow, besides the spec's <c>cfg.tags</c>.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The flow's priority (higher runs first, from -1000 to 1000); overrides the spec's <c>cfg.priority</c>; 0 when neither gives one.</summary>
    public int? Priority { get; init; }
}
