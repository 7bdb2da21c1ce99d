using System.Text.Json.Serialization;

namespace FlowMachine.Server.Flows;

/// <summary>One flow a bulk action was refused for.</summary>
/// <param name="Id">The flow.</param>
/// <param name="Reason">Why.</param>
internal sealed record FlowBulkRefusalDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("reason")] string Reason);
