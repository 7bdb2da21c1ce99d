namespace FlowMachine.Storage;

/// <summary>A leased flow with everything needed to run it.</summary>
public sealed record ClaimedFlow(FlowRecord Flow, IReadOnlyList<StepRecord> Steps, IReadOnlyList<FlowCommand> Commands, IReadOnlyList<FlowEvent> Events, long LastSeq);
