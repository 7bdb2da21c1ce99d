using FlowMachine.Storage;

namespace FlowMachine;

/// <summary>The flow a start created, or the existing flow with the same key.</summary>
public sealed record StartFlowResult(FlowRecord Flow, bool Created);
