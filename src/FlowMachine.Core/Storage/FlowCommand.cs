using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>An instruction from outside (push, submit, cancel, ...) waiting for the flow's worker to apply it.</summary>
public sealed record FlowCommand(long Id, string FlowId, string Kind, string? StepKey, JsonNode? Payload, string? Actor, DateTimeOffset At)
{
    public const string Push = "push";
    public const string Submit = "submit";
    public const string Cancel = "cancel";
    public const string Reset = "reset";
    public const string Position = "position";
    public const string Retry = "retry";
    public const string ChildFinished = "child-finished";
    public const string Suspend = "suspend";
    public const string Resume = "resume";
}
