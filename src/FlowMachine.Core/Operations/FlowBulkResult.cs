using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Operations;

/// <summary>What a bulk action did (or, on a dry run, would act on).</summary>
/// <param name="Action">retry, cancel or delete.</param>
/// <param name="DryRun">Whether nothing was done.</param>
/// <param name="Matched">How many flows the filter matched for the caller.</param>
/// <param name="Done">How many the action was accepted for.</param>
/// <param name="Refused">How many it was refused for.</param>
/// <param name="FirstIds">The first matched ids, newest first.</param>
/// <param name="Refusals">The first refusals with their reasons.</param>
/// <param name="DoneIds">Every flow the action was accepted for (not in the JSON document).</param>
public sealed record FlowBulkResult(string Action, bool DryRun, int Matched, int Done, int Refused, IReadOnlyList<string> FirstIds, IReadOnlyList<FlowBulkRefusal> Refusals, IReadOnlyList<string> DoneIds)
{
    /// <summary>The one line every surface prints: <c>N matched, N done, N refused</c>.</summary>
    public string Summary => DryRun
        ? $"{Matched} matched; dry run: would {Action} {Matched} flow{(Matched == 1 ? "" : "s")}, did nothing"
        : $"{Matched} matched, {Done} done, {Refused} refused";

    /// <summary>The JSON document of the API and of <c>--json</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["action"] = Action,
        ["dryRun"] = DryRun,
        ["matched"] = Matched,
        ["done"] = Done,
        ["refused"] = Refused,
        ["firstIds"] = new JsonArray([.. FirstIds.Select(id => (JsonNode?)JsonValue.Create(id))]),
        ["refusals"] = new JsonArray([.. Refusals.Select(r => (JsonNode?)new JsonObject { ["id"] = r.Id, ["reason"] = r.Reason })]),
    };
}

/// <summary>One flow a bulk action was refused for.</summary>
/// <param name="Id">The flow.</param>
/// <param name="Reason">Why.</param>
public sealed record FlowBulkRefusal(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("reason")] string Reason);
