namespace FlowMachine.Server.Flows;

/// <summary>The answer to a command: queued for the flow's worker, which applies it in order.</summary>
/// <param name="FlowId">The flow.</param>
/// <param name="Command">What was asked (submit, push, event, cancel, reset, position, resume).</param>
/// <param name="Status">Always <c>accepted</c>.</param>
internal sealed record CommandAccepted(string FlowId, string Command, string Status = "accepted");
