
namespace FlowMachine.Operations;

/// <summary>The answer to starting a flow for a caller.</summary>
/// <param name="Started">The engine's answer: the flow, and whether this start created it.</param>
/// <param name="KeyHeldByOther">The key belongs to another owner's flow: the start is refused and that flow must not be shown.</param>
public sealed record FlowStartResult(StartFlowResult Started, bool KeyHeldByOther);
