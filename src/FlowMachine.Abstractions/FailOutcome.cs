namespace FlowMachine;

/// <summary>The step failed.</summary>
/// <param name="Error">The message.</param>
/// <param name="Detail">More detail, such as a stack trace.</param>
public sealed record FailOutcome(string Error, string? Detail) : Outcome;
