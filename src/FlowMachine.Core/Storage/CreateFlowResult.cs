namespace FlowMachine.Storage;

/// <summary>The flow created, or the existing flow with the same key.</summary>
public sealed record CreateFlowResult(FlowRecord Flow, bool Created);
