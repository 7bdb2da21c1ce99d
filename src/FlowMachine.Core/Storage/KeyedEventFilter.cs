namespace FlowMachine.Storage;

/// <summary>Which kept events and keyed waits to list (<see cref="IKeyedEventStore"/>).</summary>
/// <param name="Name">Only this event name (exact; null: every name).</param>
/// <param name="Key">Only this correlation key (exact; null: every key).</param>
/// <param name="Owner">Only this user's events and flows (null: everyone's, for an administrator).</param>
/// <param name="Limit">At most this many rows.</param>
public sealed record KeyedEventFilter(string? Name, string? Key, string? Owner, int Limit);
