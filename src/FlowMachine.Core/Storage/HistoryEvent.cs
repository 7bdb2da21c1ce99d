using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>One entry of a flow's history. <see cref="Seq"/> orders a flow's events.</summary>
public sealed record HistoryEvent(string FlowId, long Seq, DateTimeOffset At, string Kind, string? StepKey, JsonNode? Detail);

/// <summary>An instruction from outside (push, submit, cancel, ...) waiting for the flow's worker to apply it.</summary>
public sealed record FlowCommand(long Id, string FlowId, string Kind, string? StepKey, JsonNode? Payload, string? Actor, DateTimeOffset At)
{
    public const string Push = "push";
    public const string Submit = "submit";
    public const string Cancel = "cancel";
    public const string Reset = "reset";
    public const string Position = "position";
    public const string ChildFinished = "child-finished";
}

/// <summary>A named event raised for a flow, kept until a step waits for it.</summary>
public sealed record FlowEvent(long Id, string FlowId, string Name, JsonNode? Value, DateTimeOffset At);

/// <summary>A stored routine version.</summary>
public sealed record RoutineRecord(string Name, int Version, string SpecJson, string? Owner, DateTimeOffset CreatedAt);
