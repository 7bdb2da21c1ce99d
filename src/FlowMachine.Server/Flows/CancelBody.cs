namespace FlowMachine.Server.Flows;

/// <summary>The body of <c>POST /api/v1/flows/{id}/cancel</c>.</summary>
/// <param name="Reason">Why the flow is cancelled.</param>
internal sealed record CancelBody(string? Reason);
