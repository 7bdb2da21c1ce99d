using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>What <see cref="EventVerbs.ListAsync"/> found: the kept events and the flows that wait by event and key.</summary>
/// <param name="Kept">The kept events, the latest raised first.</param>
/// <param name="Waiting">The steps that wait for an event by key, by event name, key and flow.</param>
public sealed record KeyedEventListing(
    [property: JsonPropertyName("kept")] IReadOnlyList<KeptEventRecord> Kept,
    [property: JsonPropertyName("waiting")] IReadOnlyList<KeyedWaitRecord> Waiting);
