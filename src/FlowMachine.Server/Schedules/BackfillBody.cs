using System.Text.Json.Serialization;

namespace FlowMachine.Server.Schedules;

/// <summary>The body of <c>POST /api/v1/schedules/{name}/backfill</c>.</summary>
/// <param name="From">The first time of the range, ISO 8601 (without an offset: UTC).</param>
/// <param name="To">The last time of the range, included.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record BackfillBody(string? From, string? To);
