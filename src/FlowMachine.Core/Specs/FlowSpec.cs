using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

/// <summary>A validated flow spec in the MissionControl format: label, key, cfg, data, tasks.</summary>
public sealed record FlowSpec
{
    /// <summary>A human-readable label.</summary>
    public string? Label { get; init; }

    /// <summary>An optional unique key: a second start with the same key returns the first flow.</summary>
    public string? Key { get; init; }

    /// <summary>How the flow runs.</summary>
    public FlowConfig Cfg { get; init; } = new();

    /// <summary>The flow's initial data.</summary>
    public JsonObject Data { get; init; } = [];

    /// <summary>The steps, in spec order. Precursors are resolved: a step without explicit precursors follows the one before it.</summary>
    public IReadOnlyList<StepSpec> Tasks { get; init; } = [];
}
