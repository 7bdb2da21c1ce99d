using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowMachine.Diagnostics;

/// <summary>
/// The engine's tracing and metrics, both named <c>FlowMachine</c>: a span per step, step counts and
/// durations, lease losses and started flows. Listen with any OpenTelemetry or dotnet-counters tool.
/// </summary>
public static class FlowMachineDiagnostics
{
    /// <summary>The name of the ActivitySource and the Meter.</summary>
    public const string Name = "FlowMachine";

    /// <summary>Spans: one per step attempt.</summary>
    public static ActivitySource Source { get; } = new(Name, "1.0");

    /// <summary>Instruments.</summary>
    public static Meter Meter { get; } = new(Name, "1.0");

    /// <summary>Steps that finished an attempt, tagged with <c>task_type</c> and <c>outcome</c>.</summary>
    public static Counter<long> Steps { get; } = Meter.CreateCounter<long>("flowmachine.steps", "{step}", "Step attempts finished, by task type and outcome.");

    /// <summary>How long step attempts took.</summary>
    public static Histogram<double> StepDuration { get; } = Meter.CreateHistogram<double>("flowmachine.step.duration", "ms", "Duration of step attempts.");

    /// <summary>Leases a worker found taken over by another.</summary>
    public static Counter<long> LeasesLost { get; } = Meter.CreateCounter<long>("flowmachine.leases.lost", "{lease}", "Flow leases lost to another worker (a worker was too slow or presumed dead).");

    /// <summary>Flows started.</summary>
    public static Counter<long> FlowsStarted { get; } = Meter.CreateCounter<long>("flowmachine.flows.started", "{flow}", "Flows created by a start.");

    /// <summary>Flows schedules started, one per slot.</summary>
    public static Counter<long> SlotsFired { get; } = Meter.CreateCounter<long>("flowmachine.schedule.slots", "{slot}", "Schedule slots that started their flow.");

    /// <summary>How late schedules started their flows: from the slot to the flow's creation.</summary>
    public static Histogram<double> FiringLag { get; } = Meter.CreateHistogram<double>("flowmachine.schedule.lag", "ms", "Time from a schedule slot to its flow being created.");

    /// <summary>Transitions committed.</summary>
    public static Counter<long> Commits { get; } = Meter.CreateCounter<long>("flowmachine.commits", "{commit}", "Flow transitions committed.");

    private static long queueDepth;
    private static long activeFlows;

    /// <summary>Flows that are due or running (PENDING and RUNNING), as last sampled by a host.</summary>
    public static ObservableGauge<long> QueueDepth { get; } = Meter.CreateObservableGauge("flowmachine.queue.depth", () => Interlocked.Read(ref queueDepth), "{flow}", "Flows pending or running, as last sampled.");

    /// <summary>Flows this process's workers are running now.</summary>
    public static ObservableGauge<long> ActiveFlows { get; } = Meter.CreateObservableGauge("flowmachine.worker.active", () => Interlocked.Read(ref activeFlows), "{flow}", "Flows being run by this process's workers.");

    /// <summary>Records the latest queue depth sample.</summary>
    public static void SampleQueueDepth(long depth) => Interlocked.Exchange(ref queueDepth, depth);

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
