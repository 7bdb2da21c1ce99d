using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>The facts behind a <see cref="FlowDiagnosis"/>; each is left out when it does not apply.</summary>
public sealed record DiagnosisFacts
{
    /// <summary>The step the diagnosis is about.</summary>
    [JsonPropertyName("stepKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StepKey { get; init; }

    /// <summary>The step's or the flow's wait reason.</summary>
    [JsonPropertyName("waitReason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WaitReason { get; init; }

    /// <summary>Since when: the waiting step's start, or the time the flow fell due.</summary>
    [JsonPropertyName("since")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Since { get; init; }

    /// <summary>How long the flow has been due and unclaimed, in seconds.</summary>
    [JsonPropertyName("waitingSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WaitingSeconds { get; init; }

    /// <summary>When the flow is next due by itself: a timer, a retry, a rate token, a slot's next ask.</summary>
    [JsonPropertyName("dueAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The flow's deadline (<c>cfg.deadline</c> from its start or last retry), when it has one.</summary>
    [JsonPropertyName("deadline")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The event the step waits for.</summary>
    [JsonPropertyName("event")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Event { get; init; }

    /// <summary>The correlation key the awaited event must be raised with, when the step waits by key.</summary>
    [JsonPropertyName("eventKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EventKey { get; init; }

    /// <summary>Events raised for the flow that no step has taken (other names than the one awaited).</summary>
    [JsonPropertyName("otherEvents")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DiagnosisEvent>? OtherEvents { get; init; }

    /// <summary>The child flows the step waits for, with their states.</summary>
    [JsonPropertyName("children")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DiagnosisChild>? Children { get; init; }

    /// <summary>The worker holding (or last holding) the flow's lease.</summary>
    [JsonPropertyName("worker")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Worker { get; init; }

    /// <summary>Whether that worker is live in the registry; left out when it is not registered.</summary>
    [JsonPropertyName("workerLive")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? WorkerLive { get; init; }

    /// <summary>That worker's last heartbeat in the registry.</summary>
    [JsonPropertyName("workerHeartbeatAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? WorkerHeartbeatAt { get; init; }

    /// <summary>When the lease expires (or expired).</summary>
    [JsonPropertyName("leaseExpiresAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>What the flow's next steps need of a worker, and how many live workers serve each.</summary>
    [JsonPropertyName("needs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DiagnosisNeed>? Needs { get; init; }

    /// <summary>How many workers are live in the registry.</summary>
    [JsonPropertyName("liveWorkers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LiveWorkers { get; init; }

    /// <summary>The limit's key (<c>customer:42</c>).</summary>
    [JsonPropertyName("limitKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LimitKey { get; init; }

    /// <summary>The steps that hold the key's concurrency slots.</summary>
    [JsonPropertyName("holders")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DiagnosisHolder>? Holders { get; init; }

    /// <summary>The paused routine.</summary>
    [JsonPropertyName("routine")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Routine { get; init; }

    /// <summary>The <c>flowmachine</c> commands that would move the flow.</summary>
    [JsonPropertyName("commands")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Commands { get; init; }
}
