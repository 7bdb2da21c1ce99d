using System.Text.Json.Serialization;

namespace FlowMachine.Storage;

/// <summary>A step of a flow that waits for an event by key (<see cref="IKeyedEventStore.ListKeyedWaitsAsync"/>).</summary>
/// <param name="FlowId">The waiting flow.</param>
/// <param name="Routine">The flow's routine (null for a flow started from a spec).</param>
/// <param name="StepKey">The waiting step.</param>
/// <param name="EventName">The event it waits for.</param>
/// <param name="Key">The correlation key it waits with.</param>
/// <param name="Owner">The flow's owner (null: none).</param>
/// <param name="WaitingSince">When the step began (null when the store has no time for it).</param>
public sealed record KeyedWaitRecord(
    [property: JsonPropertyName("flowId")] string FlowId,
    [property: JsonPropertyName("routine")] string? Routine,
    [property: JsonPropertyName("stepKey")] string StepKey,
    [property: JsonPropertyName("eventName")] string EventName,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("owner")] string? Owner,
    [property: JsonPropertyName("waitingSince")] DateTimeOffset? WaitingSince);
