namespace FlowMachine.Storage;

/// <summary>A flow to create.</summary>
public sealed record NewFlow(FlowRecord Flow, IReadOnlyList<StepRecord> Steps, IReadOnlyList<HistoryEvent> History);
