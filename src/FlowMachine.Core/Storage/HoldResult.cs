namespace FlowMachine.Storage;

/// <summary>The answer to suspending, resuming or pausing.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="State">For a flow: its state (the terminal state when <see cref="HoldStatus.Ended"/>).</param>
public sealed record HoldResult(HoldStatus Status, FlowState? State = null);
