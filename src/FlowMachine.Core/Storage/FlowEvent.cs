using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>A named event raised for a flow, kept until a step waits for it.</summary>
public sealed record FlowEvent(long Id, string FlowId, string Name, JsonNode? Value, DateTimeOffset At)
{
    /// <summary>
    /// The correlation key of an event raised by key (<see cref="IKeyedEventStore"/>): it resumes only a step that
    /// waits for its name with this key. Null for an event raised for the flow itself, which resumes the first step
    /// that waits for its name.
    /// </summary>
    public string? Key { get; init; }
}
