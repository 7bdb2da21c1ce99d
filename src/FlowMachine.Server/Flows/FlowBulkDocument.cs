using System.Text.Json.Serialization;
using FlowMachine.Operations;

namespace FlowMachine.Server.Flows;

/// <summary>What a bulk action did (or, on a dry run, would act on): the answer of <c>POST /api/v1/flows/bulk</c>.</summary>
/// <param name="Action">retry, cancel or delete.</param>
/// <param name="DryRun">Whether nothing was done.</param>
/// <param name="Matched">How many flows the filter matched for the caller.</param>
/// <param name="Done">How many the action was accepted for.</param>
/// <param name="Refused">How many it was refused for.</param>
/// <param name="FirstIds">The first matched ids, newest first.</param>
/// <param name="Refusals">The first refusals with their reasons.</param>
internal sealed record FlowBulkDocument(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("matched")] int Matched,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("refused")] int Refused,
    [property: JsonPropertyName("firstIds")] IReadOnlyList<string> FirstIds,
    [property: JsonPropertyName("refusals")] IReadOnlyList<FlowBulkRefusalDocument> Refusals)
{
    public static FlowBulkDocument Of(FlowBulkResult result) =>
        new(result.Action, result.DryRun, result.Matched, result.Done, result.Refused, result.FirstIds, [.. result.Refusals.Select(r => new FlowBulkRefusalDocument(r.Id, r.Reason))]);
}
