using System.Text.Json.Serialization;

namespace FlowMachine.Operations;

/// <summary>What a bulk action did (or, on a dry run, would act on): the answer of <c>POST /api/v1/flows/bulk</c>, as the server sends it and the client reads it.</summary>
/// <param name="Action">retry, cancel or delete.</param>
/// <param name="DryRun">Whether nothing was done.</param>
/// <param name="Matched">How many flows the filter matched for the caller.</param>
/// <param name="Done">How many the action was accepted for.</param>
/// <param name="Refused">How many it was refused for.</param>
/// <param name="FirstIds">The first matched ids, newest first.</param>
/// <param name="Refusals">The first refusals with their reasons.</param>
public sealed record FlowBulkDocument(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("matched")] int Matched,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("refused")] int Refused,
    [property: JsonPropertyName("firstIds")] IReadOnlyList<string> FirstIds,
    [property: JsonPropertyName("refusals")] IReadOnlyList<FlowBulkRefusal> Refusals)
{
    /// <summary>The document of <paramref name="result"/> (every id the action was accepted for is not in it).</summary>
    public static FlowBulkDocument Of(FlowBulkResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.Action, result.DryRun, result.Matched, result.Done, result.Refused, result.FirstIds, result.Refusals);
    }

    /// <summary>The result this document shows, without the accepted ids the document does not carry.</summary>
    public FlowBulkResult ToResult() => new(Action, DryRun, Matched, Done, Refused, FirstIds, Refusals, []);
}
