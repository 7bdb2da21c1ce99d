namespace FlowMachine.Cli;

/// <summary>The process exit codes every verb shares.</summary>
internal static class ExitCodes
{
    /// <summary>Done; the flow (if any) COMPLETED.</summary>
    public const int Ok = 0;

    /// <summary>A usage error, an invalid spec, or a refused command.</summary>
    public const int Usage = 1;

    /// <summary>The flow ended FAILED, KILLED or CANCELLED.</summary>
    public const int Failed = 2;

    /// <summary>The flow is paused (WAITING or SPAWNED) or otherwise not finished.</summary>
    public const int Paused = 3;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells do).</summary>
    public const int Interrupted = 130;
}
