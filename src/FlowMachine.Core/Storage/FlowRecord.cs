using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>One flow as stored. Stores hand out copies; changing one changes nothing stored.</summary>
public sealed class FlowRecord
{
    public required string Id { get; set; }
    public string? Key { get; set; }
    public string? Label { get; set; }
    public string? Owner { get; set; }

    /// <summary>The stored routine the flow runs, or null for an inline spec.</summary>
    public string? Routine { get; set; }

    /// <summary>The routine version the flow is pinned to.</summary>
    public int? RoutineVersion { get; set; }

    /// <summary>The schedule that started the flow, or null.</summary>
    public string? Schedule { get; set; }

    /// <summary>The slot (the scheduled time, UTC) the schedule started the flow for, or null.</summary>
    public DateTimeOffset? Slot { get; set; }

    /// <summary>The validated spec as canonical JSON; the flow always runs this, whatever the routine becomes.</summary>
    public required string SpecJson { get; set; }

    public FlowState State { get; set; }

    /// <summary>Linear view: the index of the first step not yet finished (the step count when all are).</summary>
    public int Position { get; set; }

    public JsonNode? Input { get; set; }
    [SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "The engine swaps in a new data object when a step changes it (and on retry), without copying node by node on the hot path.")]
    public JsonObject Data { get; set; } = [];
    public string? WaitReason { get; set; }

    /// <summary>The flow's result once COMPLETED: a Done value, the single last step's result, or an object of the last steps' results.</summary>
    public JsonNode? Result { get; set; }

    /// <summary>The tags given when the flow started (the start's and the spec's <c>cfg.tags</c>); never changed afterwards.</summary>
    public IReadOnlyList<string> Tags { get; set; } = [];

    /// <summary>The attributes its tasks set (<see cref="TaskContext.SetAttribute"/>), by name. Replaced, never edited.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; set; } = FlowTags.NoAttributes;

    /// <summary>The flow's priority (<see cref="FlowPriority"/>): claims take due flows of a higher one first. Set at the start, never changed.</summary>
    public int Priority { get; set; }

    /// <summary>Why the flow failed, was killed or cancelled (every error, one per line).</summary>
    public string? Error { get; set; }

    public string? ParentFlowId { get; set; }
    public string? ParentStepKey { get; set; }

    /// <summary>The child's place among its parent step's children.</summary>
    public int ParentChildIndex { get; set; }

    /// <summary>How many times the flow was reset; part of the idempotency key after a reset.</summary>
    public int Generation { get; set; }

    // Times are held as UTC ticks (they come back in UTC, the same instant): the store copies the row at every commit.
    private long createdAt;
    private long updatedAt;
    private long nextRunAt = StoredTime.None;
    private long leaseExpiresAt = StoredTime.None;

    public DateTimeOffset CreatedAt { get => new(createdAt, TimeSpan.Zero); set => createdAt = value.UtcTicks; }
    public DateTimeOffset UpdatedAt { get => new(updatedAt, TimeSpan.Zero); set => updatedAt = value.UtcTicks; }

    /// <summary>When a worker should next pick the flow up; null when it waits for the outside or has ended.</summary>
    public DateTimeOffset? NextRunAt { get => StoredTime.Read(nextRunAt); set => nextRunAt = StoredTime.Of(value); }

    /// <summary>Suspended by hand: not claimed until resumed (<see cref="IPauseStore"/>). Commits never change it.</summary>
    public bool Suspended { get; set; }

    /// <summary>The flow's routine is paused: not claimed until the routine resumes. Commits never change it.</summary>
    public bool RoutinePaused { get; set; }

    /// <summary>
    /// Where the flow's next runnable step belongs when the last worker let it go for another pool: <c>queue/task_type</c>
    /// (queue empty: the task type's default). Only workers that accept the route claim the flow; null: any worker.
    /// Claims, commands and events clear it.
    /// </summary>
    public string? Route { get; set; }

    /// <summary>
    /// The flow's trace context as a W3C <c>traceparent</c> (<c>00-trace id-span id-flags</c>): the span that started the
    /// flow (a child of the request that asked for it), the parent of every step's span; null when nobody traced the start.
    /// Written once, at creation.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>
    /// With <see cref="Route"/>: when a step the flow waits for passes its <c>schedule_to_start</c>. From then on the
    /// workers' heartbeat clears the route of the unleased flow (<see cref="IWorkerRegistry.ReleaseOverdueRoutesAsync"/>),
    /// so that any worker claims it and fails the step, also when no worker serves the route. Written with the route.
    /// </summary>
    public DateTimeOffset? RouteDeadline { get; set; }

    /// <summary>
    /// When the flow fails with "deadline exceeded" (its spec's <c>cfg.deadline</c> counted from its creation, or from its
    /// last retry); null: no deadline. A waiting flow is due at it at the latest, so that a worker ends it then.
    /// </summary>
    public DateTimeOffset? Deadline { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get => StoredTime.Read(leaseExpiresAt); set => leaseExpiresAt = StoredTime.Of(value); }

    /// <summary>A copy that shares the JSON nodes (they are replaced, never edited, once committed).</summary>
    public FlowRecord ShallowCopy() => (FlowRecord)MemberwiseClone();

    public FlowRecord Clone()
    {
        var copy = (FlowRecord)MemberwiseClone();
        copy.Input = Input?.DeepClone();
        copy.Data = (JsonObject)Data.DeepClone();
        copy.Result = Result?.DeepClone();
        return copy;
    }
}
