using System.Text.Json.Serialization;

namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows/purge</c>: which finished flows to delete; every field optional.</summary>
/// <param name="State">COMPLETED, FAILED, KILLED or CANCELLED; all four when absent.</param>
/// <param name="OlderThan">Only flows that ended longer ago than this (30d, 12h, 90m).</param>
/// <param name="Routine">Only flows of this stored routine.</param>
/// <param name="Tag">Only flows with this tag.</param>
/// <param name="DryRun">Only count the flows that would be deleted.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record PurgeBody(string? State, string? OlderThan, string? Routine, string? Tag, bool DryRun);
