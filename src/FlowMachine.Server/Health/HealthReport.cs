namespace FlowMachine.Server.Health;

/// <summary>The body of a healthy <c>/healthz</c>.</summary>
/// <param name="Status">Always <c>ok</c>.</param>
internal sealed record HealthReport(string Status);
