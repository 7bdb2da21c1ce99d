using FlowMachine.Specs;

namespace FlowMachine.Engine;

/// <summary>Settings of a <see cref="FlowEngine"/>; defaults live here and nowhere else.</summary>
public sealed class FlowEngineOptions
{
    /// <summary>The clock for timers, retries and leases. Tests pass a fake one.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>
    /// On a store with a clock (PostgreSQL), run on the store's time: <see cref="Time"/> moved by the offset
    /// measured against it (true by default; see <see cref="FlowEngine.Time"/>). Set false when a test
    /// drives <see cref="Time"/> by hand and the store's real clock must not move it.
    /// </summary>
    public bool FollowStoreClock { get; set; } = true;

    /// <summary>Where tasks' log lines go.</summary>
    public ITaskLog TaskLog { get; set; } = NullTaskLog.Instance;

    /// <summary>The host's services, handed to tasks and task constructors.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>This engine's lease owner name; unique per process.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a lease lasts without a heartbeat; a dead worker's flows are taken over after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = FlowMachineDefaults.Engine.LeaseDuration;

    /// <summary>How large a spec given to this engine may be (bytes and steps); larger ones are refused with a spec error at <c>$</c>.</summary>
    public SpecLimits SpecLimits { get; set; } = SpecLimits.Default;

    /// <summary>
    /// The largest step result, in bytes of JSON (1 MiB by default). A larger result fails the step with an
    /// error naming the limit instead of being stored: keep big data elsewhere and return a reference.
    /// </summary>
    public long MaxResultBytes { get; set; } = FlowMachineDefaults.Engine.MaxResultBytes;

    /// <summary>
    /// How many times the worker running a step may be lost (its lease taken over while the step was RUNNING)
    /// before the step fails instead of running again: a task that crashes its worker does not crash workers forever.
    /// </summary>
    public int MaxRecoveries { get; set; } = FlowMachineDefaults.Engine.MaxRecoveries;

    /// <summary>The queues this process's worker serves (<c>default</c> unless given): it runs only steps on these queues.</summary>
    public IReadOnlyList<string> Queues { get; set; } = [Routing.QueueNames.Default];

    /// <summary>Default queues by task type name, over the types' own (<see cref="TaskTypeAttribute.Queue"/>).</summary>
    public IReadOnlyDictionary<string, string> TaskQueues { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Concurrency and rate limits of task types by name, for types you do not own (they replace the limits of
    /// the type's <see cref="TaskTypeAttribute"/>).
    /// </summary>
    public IDictionary<string, TaskLimits> TaskLimits { get; } = new Dictionary<string, TaskLimits>(StringComparer.Ordinal);

    /// <summary>
    /// How long a step refused a concurrency slot waits at most before it asks again. It is woken as soon as a
    /// slot of its key frees; this only bounds the wait should a wake be lost (30 seconds by default).
    /// </summary>
    public TimeSpan SlotWaitFallback { get; set; } = FlowMachineDefaults.Engine.SlotWaitFallback;

    /// <summary>
    /// How long an event raised by key (<see cref="FlowEngine.RaiseKeyedEventAsync"/>) is kept, so that a flow that
    /// waits for its name and key later receives it at once, and how long its id is remembered (24 hours by default).
    /// </summary>
    public TimeSpan KeptEventLifetime { get; set; } = FlowMachineDefaults.Engine.KeptEventLifetime;

    /// <summary>Creates flow ids; tests may make them deterministic.</summary>
    public Func<string> NewId { get; set; } = () => Guid.CreateVersion7().ToString("N");

    /// <summary>Checks the settings once, at start.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (LeaseDuration < FlowMachineDefaults.Engine.MinLeaseDuration)
        {
            throw new ArgumentException($"LeaseDuration must be at least 1 second (was {LeaseDuration}).", nameof(LeaseDuration));
        }

        if (MaxResultBytes < 64)
        {
            throw new ArgumentException($"MaxResultBytes must be at least 64 (was {MaxResultBytes}).", nameof(MaxResultBytes));
        }

        if (MaxRecoveries < 0)
        {
            throw new ArgumentException($"MaxRecoveries must not be negative (was {MaxRecoveries}).", nameof(MaxRecoveries));
        }

        if (SpecLimits is null || SpecLimits.Problems() is { Count: > 0 })
        {
            throw new ArgumentException(SpecLimits is null ? "SpecLimits must not be null." : string.Join(" ", SpecLimits.Problems()), nameof(SpecLimits));
        }

        if (Queues is null || Queues.Count == 0)
        {
            throw new ArgumentException("Queues must name at least one queue.", nameof(Queues));
        }

        foreach (var queue in Queues.Concat(TaskQueues?.Values ?? []))
        {
            if (Routing.QueueNames.Problem(queue) is { } problem)
            {
                throw new ArgumentException(problem + ".", nameof(Queues));
            }
        }

        if (SlotWaitFallback <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SlotWaitFallback must be greater than 0 (was {SlotWaitFallback}).", nameof(SlotWaitFallback));
        }

        if (KeptEventLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"KeptEventLifetime must be greater than 0 (was {KeptEventLifetime}).", nameof(KeptEventLifetime));
        }

        foreach (var (name, limits) in TaskLimits)
        {
            if (limits is null || limits.MaxConcurrency < 0 || limits.RateLimit < 0 || limits.RatePeriod <= TimeSpan.Zero)
            {
                throw new ArgumentException($"TaskLimits['{name}'] must have MaxConcurrency and RateLimit of at least 0 and a RatePeriod greater than 0.", nameof(TaskLimits));
            }
        }

        if (string.IsNullOrWhiteSpace(WorkerId))
        {
            throw new ArgumentException("WorkerId must not be empty.", nameof(WorkerId));
        }
    }
}
