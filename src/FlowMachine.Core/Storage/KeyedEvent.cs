using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>An event raised by correlation key (<see cref="IKeyedEventStore.RaiseKeyedEventAsync"/>).</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Key">The correlation key.</param>
/// <param name="Value">The value that becomes the result of each step it resumes.</param>
/// <param name="Id">Makes the raise idempotent: an id seen before (from the same <paramref name="Owner"/>) is ignored. Null: none.</param>
/// <param name="Owner">
/// Whose event it is: it reaches only this user's flows, and is kept for them. Null: an administrator's (or a local
/// caller's) event, which reaches every flow.
/// </param>
/// <param name="KeepUntil">The event is kept for flows that wait for it later, and its id remembered, until this time.</param>
public sealed record KeyedEvent(string Name, string Key, JsonNode? Value, string? Id, string? Owner, DateTimeOffset KeepUntil);
