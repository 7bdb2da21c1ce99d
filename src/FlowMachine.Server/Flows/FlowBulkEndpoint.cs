using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Operations;
using FlowMachine.Server.Auth;
using FlowMachine.Server.Errors;
using FlowMachine.Server.Idempotency;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FlowMachine.Server.Flows;

/// <summary>
/// <c>POST /api/v1/flows/bulk</c>: <c>{"action":"retry|cancel|delete", "filter":{...}, "dryRun":bool}</c> runs the action
/// on every flow the filter matches (the caller's own flows unless an administrator) and answers what it did.
/// </summary>
internal static class FlowBulkEndpoint
{
    private static readonly string[] BodyFields = ["action", "filter", "dryRun"];

    public static void Map(RouteGroupBuilder flows) =>
        flows.MapPost("/bulk", RunAsync).WithName("BulkFlows").WithSummary("Act on every flow a filter matches")
            .WithDescription("Retry, cancel or delete every flow a filter (state, routine, version, tag, createdAfter, createdBefore, error) matches: {matched, done, refused, firstIds, refusals}; dryRun only counts.").Idempotent();

    private static async Task<Results<Ok<FlowBulkDocument>, ProblemHttpResult>> RunAsync(
        [FromBody] JsonObject? body, ClaimsPrincipal user, FlowBulk bulk, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return Problems.Field("action", "the body is {\"action\": \"retry|cancel|delete\", \"filter\": {...}, \"dryRun\": false}");
        }

        if (body.Select(p => p.Key).FirstOrDefault(k => !BodyFields.Contains(k, StringComparer.Ordinal)) is { } unknownField)
        {
            return Problems.Field(unknownField, $"'{unknownField}' is not a field of a bulk action; use {string.Join(", ", BodyFields)}");
        }

        if (Text(body["action"]) is not { } action || !FlowBulk.Actions.Contains(action, StringComparer.Ordinal))
        {
            return Problems.Field("action", $"'action' is one of {string.Join(", ", FlowBulk.Actions)}");
        }

        if (body["dryRun"] is { } dry && dry.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Problems.Field("dryRun", "'dryRun' is true or false");
        }

        var filterNode = body["filter"];
        if (filterNode is not null and not JsonObject)
        {
            return Problems.Field("filter", "'filter' is an object");
        }

        var filter = filterNode as JsonObject ?? [];
        if (filter.Select(p => p.Key).FirstOrDefault(k => !FlowBulkFilter.Names.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            return Problems.Field($"filter.{unknown}", $"'{unknown}' is not a bulk filter; use {string.Join(", ", FlowBulkFilter.Names)}");
        }

        var (query, field, message) = new FlowBulkFilter(
            Text(filter["state"]), Text(filter["routine"]), Text(filter["version"]), Text(filter["tag"]),
            Text(filter["createdAfter"]), Text(filter["createdBefore"]), Text(filter["error"])).ToQuery();
        if (field is not null)
        {
            return Problems.Field($"filter.{field}", message!);
        }

        var result = await bulk.RunAsync(Callers.From(user), action, query, body["dryRun"]?.GetValue<bool>() ?? false, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(FlowBulkDocument.Of(result));
    }

    // A string or a number as text; anything else is not text.
    private static string? Text(JsonNode? node) => node is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;
}
