namespace FlowMachine;

/// <summary>The flow must end KILLED.</summary>
public sealed record KillOutcome(string Reason) : Outcome;
