namespace FlowMachine.Diagnosis;

/// <summary>Why a flow is on the "needs attention" list (<see cref="AttentionItem.Reason"/>).</summary>
public static class AttentionReasons
{
    /// <summary>Due and unclaimed for longer than the threshold.</summary>
    public const string Unclaimed = "unclaimed";

    /// <summary>Due, and no live worker serves the queue or has the task type its next step needs.</summary>
    public const string NoWorker = "no-worker";

    /// <summary>Held under a lease that has expired: its worker is gone and no other has taken it over yet.</summary>
    public const string LeaseExpired = "lease-expired";

    /// <summary>A step whose worker was lost (crashed or cut off) while running it.</summary>
    public const string WorkerLost = "worker-lost";
}
