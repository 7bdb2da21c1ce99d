using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowMachine.Diagnostics;

/// <summary>
/// The engine's tracing and metrics, both named <c>FlowMachine</c>: a span per step attempt, and instruments named
/// after the OpenTelemetry semantic conventions (base units: seconds). An app that embeds FlowMachine listens with
/// <c>.WithTracing(t =&gt; t.AddSource(FlowMachineDiagnostics.ActivitySourceName)).WithMetrics(m =&gt; m.AddMeter(FlowMachineDiagnostics.MeterName))</c>.
/// </summary>
public static partial class FlowMachineDiagnostics
{
    /// <summary>The name of the ActivitySource and the Meter.</summary>
    public const string Name = "FlowMachine";

    /// <summary>The name of the ActivitySource (the spans), for <c>AddSource</c>.</summary>
    public const string ActivitySourceName = Name;

    /// <summary>The name of the Meter (the instruments), for <c>AddMeter</c>.</summary>
    public const string MeterName = Name;

    private static readonly double[] SecondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    private static readonly long[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    /// <summary>Spans: one per step attempt.</summary>
    public static ActivitySource Source { get; } = new(ActivitySourceName, "1.0");

    /// <summary>Instruments.</summary>
    public static Meter Meter { get; } = new(MeterName, "1.0");

    /// <summary>Steps that finished an attempt, tagged with <c>task_type</c> and <c>outcome</c>.</summary>
    public static Counter<long> Steps { get; } = Meter.CreateCounter<long>("flowmachine.steps", "{step}", "Step attempts finished, by task type and outcome.");

    /// <summary>How long step attempts took, in seconds, tagged like <see cref="Steps"/>.</summary>
    public static Histogram<double> StepDuration { get; } = Meter.CreateHistogram("flowmachine.step.duration", "s", "Duration of step attempts.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Leases a worker found taken over by another.</summary>
    public static Counter<long> LeaseTakeovers { get; } = Meter.CreateCounter<long>("flowmachine.lease.takeovers", "{lease}", "Flow leases taken over by another worker (a worker was too slow or presumed dead).");

    /// <summary>Flows created (started, by a schedule, or as a child), tagged with <c>routine</c>.</summary>
    public static Counter<long> FlowsStarted { get; } = Meter.CreateCounter<long>("flowmachine.flows.started", "{flow}", "Flows created, by routine.");

    /// <summary>Flows that reached a terminal state, tagged with <c>routine</c> and <c>state</c>.</summary>
    public static Counter<long> FlowsFinished { get; } = Meter.CreateCounter<long>("flowmachine.flows.finished", "{flow}", "Flows that ended, by routine and final state.");

    /// <summary>Flows schedules started, one per slot.</summary>
    public static Counter<long> SlotsFired { get; } = Meter.CreateCounter<long>("flowmachine.schedule.slots", "{slot}", "Schedule slots that started their flow.");

    /// <summary>How late schedules started their flows: from the slot to the flow's creation, in seconds.</summary>
    public static Histogram<double> FiringLag { get; } = Meter.CreateHistogram("flowmachine.schedule.lag", "s", "Time from a schedule slot to its flow being created.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Transitions committed.</summary>
    public static Counter<long> Commits { get; } = Meter.CreateCounter<long>("flowmachine.commits", "{commit}", "Flow transitions committed.");

    /// <summary>How many writes a store committed in one database transaction.</summary>
    public static Histogram<long> CommitBatchSize { get; } = Meter.CreateHistogram("flowmachine.commit.batch.size", "{write}", "Writes (transitions, starts, commands) a store committed together in one database transaction.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchBuckets });

    /// <summary>Steps that had to wait for a concurrency slot or a rate token, tagged with <c>limit</c> (<c>concurrency</c> or <c>rate</c>).</summary>
    public static Counter<long> LimitWaits { get; } = Meter.CreateCounter<long>("flowmachine.limit.waits", "{step}", "Steps held back by a concurrency or rate limit, by kind of limit.");

    private static long queueDepth;
    private static long oldestDueTicks = -1;
    private static long activeFlows;

    /// <summary>Flows that are due or running (PENDING and RUNNING), as last sampled by a host.</summary>
    public static ObservableGauge<long> QueueDepth { get; } = Meter.CreateObservableGauge("flowmachine.queue.depth", () => Interlocked.Read(ref queueDepth), "{flow}", "Flows pending or running, as last sampled.");

    /// <summary>How long the flow that has waited longest for a worker has been due, in seconds (0 when none waits), as last sampled.</summary>
    public static ObservableGauge<double> OldestDueAge { get; } = Meter.CreateObservableGauge("flowmachine.queue.oldest_due.age", ObserveOldestDue, "s", "Age of the oldest flow that is due and not claimed, as last sampled.");

    /// <summary>Flows this process's workers are running now.</summary>
    public static ObservableGauge<long> ActiveFlows { get; } = Meter.CreateObservableGauge("flowmachine.worker.active", () => Interlocked.Read(ref activeFlows), "{flow}", "Flows being run by this process's workers.");

    /// <summary>Records the latest queue depth sample.</summary>
    public static void SampleQueueDepth(long depth) => Interlocked.Exchange(ref queueDepth, depth);

    /// <summary>Records how long the oldest unclaimed due flow has been due (null: none is due).</summary>
    public static void SampleOldestDue(TimeSpan? age) => Interlocked.Exchange(ref oldestDueTicks, age is { } a ? Math.Max(0, a.Ticks) : -1);

    private static double ObserveOldestDue()
    {
        var ticks = Interlocked.Read(ref oldestDueTicks);
        return ticks < 0 ? 0 : TimeSpan.FromTicks(ticks).TotalSeconds;
    }

    internal static void FlowActivated(int delta) => Interlocked.Add(ref activeFlows, delta);

    /// <summary>The outcome tag of an outcome.</summary>
    public static string OutcomeName(Outcome outcome) => outcome switch
    {
        ResultOutcome => "result",
        WaitOutcome => "wait",
        SpawnOutcome => "spawn",
        KillOutcome => "kill",
        DoneOutcome => "done",
        FailOutcome => "fail",
        _ => "other",
    };
}
