namespace FlowMachine.Engine;

/// <summary>The kinds of history events the engine writes.</summary>
public static class HistoryKinds
{
    public const string FlowCreated = "flow.created";
    public const string FlowStarted = "flow.started";
    public const string FlowCompleted = "flow.completed";
    public const string FlowFailed = "flow.failed";
    public const string FlowKilled = "flow.killed";
    public const string FlowCancelled = "flow.cancelled";
    public const string FlowReset = "flow.reset";
    public const string FlowRetried = "flow.retried";
    public const string PositionMoved = "flow.position";
    public const string FlowSuspended = "flow.suspended";
    public const string FlowResumed = "flow.resumed";
    public const string StepStarted = "step.started";

    /// <summary>A step that was started went back to wait: it was refused a concurrency slot or a rate token (detail: reason).</summary>
    public const string StepHeld = "step.held";
    public const string StepCompleted = "step.completed";
    public const string StepFailed = "step.failed";
    public const string StepRetry = "step.retry";
    public const string StepWaiting = "step.waiting";
    public const string StepSpawned = "step.spawned";
    public const string StepRecovered = "step.recovered";
    public const string StepSkipped = "step.skipped";
    public const string StepPushed = "step.pushed";
    public const string StepChecked = "step.checked";
    public const string CheckNotReady = "step.check-not-ready";
    public const string EventConsumed = "event.consumed";
    public const string TimerFired = "timer.fired";
    public const string ChildFinished = "child.finished";
    public const string CommandIgnored = "command.ignored";
}
