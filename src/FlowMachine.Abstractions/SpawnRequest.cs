using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>One piece of spawned work: a detached task, a stored routine, or an inline spec.</summary>
public sealed record SpawnRequest
{
    /// <summary>A task type to run detached, with <see cref="Args"/> as its params.</summary>
    public string? TaskType { get; init; }

    /// <summary>Params for <see cref="TaskType"/>.</summary>
    public JsonObject? Args { get; init; }

    /// <summary>A stored routine to run as a child flow.</summary>
    public string? Routine { get; init; }

    /// <summary>The routine version; the newest when null.</summary>
    public int? Version { get; init; }

    /// <summary>An inline spec to run as a child flow.</summary>
    public JsonNode? Spec { get; init; }

    /// <summary>The child flow's input.</summary>
    public JsonNode? Input { get; init; }
}
