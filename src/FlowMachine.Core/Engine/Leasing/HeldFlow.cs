namespace FlowMachine.Engine;

/// <summary>A flow this process is running: its lease-lost signal, and whether it was claimed again meanwhile.</summary>
internal sealed class HeldFlow(CancellationTokenSource lost)
{
    public int ClaimedAgain;

    public CancellationTokenSource Lost { get; } = lost;

    /// <summary>The run, once made: progress reports read the flow's name and state from it.</summary>
    public FlowRun? Run { get; set; }
}
