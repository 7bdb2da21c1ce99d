using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>A flow without input, data, result and steps: what lists show. States are in capitals.</summary>
public record FlowSummaryDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("key")]
    public string? Key { get; init; }

    [JsonPropertyName("label")]
    public string? Label { get; init; }

    [JsonPropertyName("routine")]
    public string? Routine { get; init; }

    [JsonPropertyName("version")]
    public int? Version { get; init; }

    [JsonPropertyName("owner")]
    public string? Owner { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("position")]
    public int Position { get; init; }

    [JsonPropertyName("waitReason")]
    public string? WaitReason { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("parentFlowId")]
    public string? ParentFlowId { get; init; }

    [JsonPropertyName("nextRunAt")]
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The schedule that started the flow; left out when none did.</summary>
    [JsonPropertyName("schedule")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Schedule { get; init; }

    /// <summary>The slot (scheduled time, UTC) the schedule started the flow for; left out when no schedule did.</summary>
    [JsonPropertyName("slot")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Slot { get; init; }

    /// <summary>True while the flow is suspended (not claimed until resumed); left out when it is not.</summary>
    [JsonPropertyName("suspended")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Suspended { get; init; }

    /// <summary>True while the flow's routine is paused (not claimed until the routine resumes); left out when it is not.</summary>
    [JsonPropertyName("routinePaused")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool RoutinePaused { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The summary of <paramref name="flow"/>.</summary>
    public static FlowSummaryDocument Of(FlowRecord flow) => new(flow);

    /// <summary>Copies the summary fields of <paramref name="flow"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    protected FlowSummaryDocument(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        Id = flow.Id;
        Key = flow.Key;
        Label = flow.Label;
        Routine = flow.Routine;
        Version = flow.RoutineVersion;
        Owner = flow.Owner;
        State = flow.State.ToName();
        Position = flow.Position;
        WaitReason = flow.WaitReason;
        Error = flow.Error;
        ParentFlowId = flow.ParentFlowId;
        NextRunAt = flow.NextRunAt;
        Schedule = flow.Schedule;
        Slot = flow.Slot;

        // A flow that ended while held (its last step was in flight) is not held any more.
        Suspended = flow.Suspended && !flow.State.IsTerminal();
        RoutinePaused = flow.RoutinePaused && !flow.State.IsTerminal();
        CreatedAt = flow.CreatedAt;
        UpdatedAt = flow.UpdatedAt;
    }
}
