using System.Text.Json.Serialization;
using FlowMachine.Operations;

namespace FlowMachine.Client.Wire;

/// <summary>The answer of <c>POST /api/v1/flows/bulk</c> (<c>FlowBulkDocument</c>).</summary>
internal sealed record WireBulk(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("matched")] int Matched,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("refused")] int Refused,
    [property: JsonPropertyName("firstIds")] IReadOnlyList<string> FirstIds,
    [property: JsonPropertyName("refusals")] IReadOnlyList<WireBulkRefusal> Refusals)
{
    public FlowBulkResult ToResult() =>
        new(Action, DryRun, Matched, Done, Refused, FirstIds, [.. Refusals.Select(r => new FlowBulkRefusal(r.Id, r.Reason))], []);
}

/// <summary>One refusal of a bulk action: the flow and why.</summary>
internal sealed record WireBulkRefusal(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("reason")] string Reason);
