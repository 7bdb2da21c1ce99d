using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>The flow a start created, or the existing flow with the same key.</summary>
public sealed record StartFlowResult(FlowRecord Flow, bool Created);
