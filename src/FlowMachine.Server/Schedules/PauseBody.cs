using System.Text.Json.Serialization;

namespace FlowMachine.Server.Schedules;

/// <summary>The optional body of <c>POST /api/v1/schedules/{name}/pause</c>.</summary>
/// <param name="Note">Why the schedule is paused; shown with it until it is resumed or paused with another note.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // an unknown field is refused with 400, not ignored
internal sealed record PauseBody(string? Note);
