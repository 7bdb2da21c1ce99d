namespace FlowMachine.Diagnosis;

/// <summary>The kinds of <see cref="FlowDiagnosis"/>: why a flow is not moving, as a stable code for programs.</summary>
public static class DiagnosisKinds
{
    /// <summary>The flow has ended; nothing to diagnose.</summary>
    public const string Finished = "finished";

    /// <summary>Suspended by hand: no step starts until it is resumed.</summary>
    public const string Suspended = "suspended";

    /// <summary>Its routine is paused: no worker claims it until the routine resumes.</summary>
    public const string RoutinePaused = "routine-paused";

    /// <summary>A worker holds the flow's lease and is live (or not in the registry).</summary>
    public const string Running = "running";

    /// <summary>A worker holds the flow's lease but has gone silent: the flow is taken over when the lease expires.</summary>
    public const string WorkerSilent = "worker-silent";

    /// <summary>The lease of the worker that had the flow has expired: the next worker to claim it takes it over.</summary>
    public const string LeaseExpired = "lease-expired";

    /// <summary>Due and not claimed yet, and a live worker serves what it needs.</summary>
    public const string Due = "due";

    /// <summary>Due, but no live worker serves the queue or has the task type it needs.</summary>
    public const string NoWorker = "no-worker";

    /// <summary>A step waits for a concurrency slot.</summary>
    public const string ConcurrencySlot = "concurrency-slot";

    /// <summary>A step waits for a rate token.</summary>
    public const string RateToken = "rate-token";

    /// <summary>A step waits for a push or a resubmit.</summary>
    public const string Input = "input";

    /// <summary>A step waits for a named event.</summary>
    public const string Event = "event";

    /// <summary>A step waits for its timer.</summary>
    public const string Timer = "timer";

    /// <summary>A step waits for the child flows it spawned.</summary>
    public const string Children = "children";

    /// <summary>A step waits for its retry's backoff.</summary>
    public const string Retry = "retry";

    /// <summary>
    /// The flow is past its deadline (<c>cfg.deadline</c>): the worker that takes it up next fails it; or, for a flow
    /// that has ended, it failed by its deadline ("deadline exceeded").
    /// </summary>
    public const string Deadline = "deadline";

    /// <summary>The flow is not due yet and nothing else holds it.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Nothing is due, nothing waits and nobody holds it: nothing moves the flow by itself.</summary>
    public const string Idle = "idle";
}
