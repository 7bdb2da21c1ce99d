using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>One step of a flow as stored.</summary>
/// <remarks>
/// A record is copied at every change of its step (committed records are never edited), so it is kept
/// small: times are held as UTC ticks (a time comes back in UTC, the same instant), and the fields only
/// waiting, retried or wired steps use live in a side object that most steps never allocate.
/// </remarks>
public sealed class StepRecord
{
    private long startedAt = StoredTime.None;
    private long finishedAt = StoredTime.None;
    private Rare? rare;

    public required string FlowId { get; set; }

    /// <summary>The step's place in the spec.</summary>
    public int Index { get; set; }

    public required string Key { get; set; }
    public required string TaskType { get; set; }
    public StepState State { get; set; }

    /// <summary>The result, as JSON.</summary>
    public JsonNode? Result { get; set; }

    public string? Error { get; set; }

    /// <summary>More about the error, such as a stack trace.</summary>
    public string? ErrorDetail
    {
        get => rare?.ErrorDetail;
        set { if (Write(value is not null) is { } r) r.ErrorDetail = value; }
    }

    /// <summary>Attempts started so far.</summary>
    public int Attempts { get; set; }

    /// <summary>
    /// How many times the worker running this step was lost (its lease taken over while the step was RUNNING);
    /// past the engine's <c>MaxRecoveries</c> the step fails. A retry of the flow sets it back to 0.
    /// </summary>
    public int Recoveries { get; set; }

    public DateTimeOffset? StartedAt { get => StoredTime.Read(startedAt); set => startedAt = StoredTime.Of(value); }

    public DateTimeOffset? FinishedAt { get => StoredTime.Read(finishedAt); set => finishedAt = StoredTime.Of(value); }

    /// <summary>A pending step does not run before this time (retry backoff).</summary>
    public DateTimeOffset? NotBefore
    {
        get => StoredTime.Read(rare?.NotBefore ?? StoredTime.None);
        set { if (Write(value is not null) is { } r) r.NotBefore = StoredTime.Of(value); }
    }

    public string? WaitReason
    {
        get => rare?.WaitReason;
        set { if (Write(value is not null) is { } r) r.WaitReason = value; }
    }

    /// <summary>The named event the waiting step is resumed by.</summary>
    public string? WaitEvent
    {
        get => rare?.WaitEvent;
        set { if (Write(value is not null) is { } r) r.WaitEvent = value; }
    }

    /// <summary>The correlation key the waiting step waits for <see cref="WaitEvent"/> with (null: any event of that name).</summary>
    public string? WaitKey
    {
        get => rare?.WaitKey;
        set { if (Write(value is not null) is { } r) r.WaitKey = value; }
    }

    /// <summary>When the waiting step resumes by itself.</summary>
    public DateTimeOffset? WaitUntil
    {
        get => StoredTime.Read(rare?.WaitUntil ?? StoredTime.None);
        set { if (Write(value is not null) is { } r) r.WaitUntil = StoredTime.Of(value); }
    }

    /// <summary>The single-use token that resumes the waiting step from outside.</summary>
    public string? ResumeToken
    {
        get => rare?.ResumeToken;
        set { if (Write(value is not null) is { } r) r.ResumeToken = value; }
    }

    /// <summary>Param values merged in by earlier steps (<c>wire</c>).</summary>
    [SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Set once from a step's wire outcome and kept off the record (null) until then, so most steps never allocate it.")]
    public JsonObject? ParamOverrides
    {
        get => rare?.ParamOverrides;
        set { if (Write(value is not null) is { } r) r.ParamOverrides = value; }
    }

    /// <summary>While SPAWNED: the children and the results collected so far.</summary>
    [SuppressMessage("Usage", "CA2227:Collection properties should be read only", Justification = "Set once when a step spawns children and kept off the record (null) until then, so most steps never allocate it.")]
    public JsonObject? Spawn
    {
        get => rare?.Spawn;
        set { if (Write(value is not null) is { } r) r.Spawn = value; }
    }

    /// <summary>
    /// The progress the running task reported last (<c>ReportProgressAsync</c>), stored apart from the step's
    /// commits (<see cref="IFlowRuntimeStore.SaveProgressAsync"/>); read by the query role, not by claims.
    /// </summary>
    public JsonNode? Progress
    {
        get => rare?.Progress;
        set { if (Write(value is not null) is { } r) r.Progress = value; }
    }

    /// <summary>When <see cref="Progress"/> was stored.</summary>
    public DateTimeOffset? ProgressAt
    {
        get => StoredTime.Read(rare?.ProgressAt ?? StoredTime.None);
        set { if (Write(value is not null) is { } r) r.ProgressAt = StoredTime.Of(value); }
    }

    /// <summary>A copy that shares the JSON nodes (they are replaced, never edited, once committed).</summary>
    public StepRecord ShallowCopy()
    {
        var copy = (StepRecord)MemberwiseClone();
        copy.rare = rare?.Copy();
        return copy;
    }

    public StepRecord Clone()
    {
        var copy = ShallowCopy();
        copy.Result = Result?.DeepClone();
        if (copy.rare is { } r)
        {
            r.Progress = r.Progress?.DeepClone();
            r.ParamOverrides = (JsonObject?)r.ParamOverrides?.DeepClone();
            r.Spawn = (JsonObject?)r.Spawn?.DeepClone();
        }

        return copy;
    }

    // The side object to write to: none while only nulls are written to a record that has none. It belongs to
    // this record only (ShallowCopy gives a copy its own), so writing to it changes no other record.
    private Rare? Write(bool value) => value || rare is not null ? rare ??= new Rare() : null;


    private sealed class Rare
    {
        public string? ErrorDetail;
        public long NotBefore = StoredTime.None;
        public string? WaitReason;
        public string? WaitEvent;
        public string? WaitKey;
        public long WaitUntil = StoredTime.None;
        public string? ResumeToken;
        public JsonObject? ParamOverrides;
        public JsonObject? Spawn;
        public JsonNode? Progress;
        public long ProgressAt = StoredTime.None;

        public Rare Copy() => (Rare)MemberwiseClone();
    }
}
