using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Storage;

/// <summary>An event raised by key that the store keeps for flows that wait for it later (<see cref="IKeyedEventStore.ListKeptEventsAsync"/>).</summary>
/// <param name="Name">The event's name.</param>
/// <param name="Key">The correlation key.</param>
/// <param name="Value">The value it gives each step it resumes.</param>
/// <param name="Id">The id it was raised with (null: none).</param>
/// <param name="Owner">Whose event it is: null for an administrator's, which reaches every flow.</param>
/// <param name="RaisedAt">When it was raised.</param>
/// <param name="KeepUntil">When it stops being kept.</param>
public sealed record KeptEventRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] JsonNode? Value,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("owner")] string? Owner,
    [property: JsonPropertyName("raisedAt")] DateTimeOffset RaisedAt,
    [property: JsonPropertyName("keepUntil")] DateTimeOffset KeepUntil);
