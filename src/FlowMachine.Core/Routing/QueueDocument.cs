using System.Text.Json.Serialization;

namespace FlowMachine.Routing;

/// <summary>One queue: how many due flows wait on it, since when, and how many live workers serve it.</summary>
/// <param name="Name">The queue's name.</param>
/// <param name="Depth">Due flows routed to it.</param>
/// <param name="OldestDueAt">When its oldest due flow became due.</param>
/// <param name="OldestAgeSeconds">How long that flow has waited.</param>
/// <param name="LiveWorkers">Live workers that serve it.</param>
/// <param name="MissingTaskTypes">Task types its due flows wait for that no live worker serving the queue has.</param>
public sealed record QueueDocument(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("depth")] int Depth,
    [property: JsonPropertyName("oldestDueAt")] DateTimeOffset? OldestDueAt,
    [property: JsonPropertyName("oldestAgeSeconds")] double? OldestAgeSeconds,
    [property: JsonPropertyName("liveWorkers")] int LiveWorkers,
    [property: JsonPropertyName("missingTaskTypes")] IReadOnlyList<string> MissingTaskTypes)
{
    /// <summary>True when due flows wait on it and no live worker can run them.</summary>
    [JsonPropertyName("waiting")]
    public bool Waiting => Depth > 0 && (LiveWorkers == 0 || MissingTaskTypes.Count > 0);
}
