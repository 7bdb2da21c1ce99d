namespace FlowMachine;

/// <summary>The step waits.</summary>
/// <param name="Reason">Why it waits, shown to people.</param>
/// <param name="EventName">A named event that resumes it, with the event's value as the result.</param>
/// <param name="Until">A time at which it resumes by itself (a durable timer).</param>
public sealed record WaitOutcome(string Reason, string? EventName, DateTimeOffset? Until) : Outcome;
