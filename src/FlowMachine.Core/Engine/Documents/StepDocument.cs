using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>One step of a flow; a waiting step is a <see cref="WaitingStepDocument"/> and carries what it waits for.</summary>
[JsonDerivedType(typeof(WaitingStepDocument))]
public record StepDocument
{
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    [JsonPropertyName("taskType")]
    public required string TaskType { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("result")]
    public JsonNode? Result { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("errorDetail")]
    public string? ErrorDetail { get; init; }

    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>How often the worker running the step was lost (its lease taken over); left out when never.</summary>
    [JsonPropertyName("recoveries")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Recoveries { get; init; }

    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    [JsonPropertyName("finishedAt")]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// Why a PENDING step has not started although it may: it waits for a concurrency slot or a rate token (the
    /// wait reason, such as <c>waiting for a concurrency slot: key 'customer:42', limit 1</c>). Left out otherwise.
    /// </summary>
    [JsonPropertyName("heldBack")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HeldBack { get; init; }

    /// <summary>When a held back or retried PENDING step may start (or asks again for its slot); left out otherwise.</summary>
    [JsonPropertyName("notBefore")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>
    /// The progress the step's task reported last (<c>ReportProgressAsync</c>): any JSON, such as
    /// <c>{"done":40,"total":100}</c>. Left out when it reported none.
    /// </summary>
    [JsonPropertyName("progress")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? Progress { get; init; }

    /// <summary>When <see cref="Progress"/> was stored (at most a second after it was reported); left out without progress.</summary>
    [JsonPropertyName("progressAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ProgressAt { get; init; }

    /// <summary>The document of <paramref name="step"/>; with <paramref name="resumeUrl"/>, a waiting step carries its callback URL.</summary>
    public static StepDocument Of(StepRecord step, Func<string, string>? resumeUrl = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        var document = new StepDocument
        {
            Key = step.Key,
            TaskType = step.TaskType,
            State = step.State.ToName(),
            Result = step.Result,
            Error = step.Error,
            ErrorDetail = step.ErrorDetail,
            Attempts = step.Attempts,
            Recoveries = step.Recoveries,
            StartedAt = step.StartedAt,
            // A RUNNING step has not finished: a time there only marks a step a stopping worker handed back.
            FinishedAt = step.State == StepState.Running ? null : step.FinishedAt,
            HeldBack = step.State == StepState.Pending ? step.WaitReason : null,
            NotBefore = step.State == StepState.Pending ? step.NotBefore : null,
            Progress = step.Progress,
            ProgressAt = step.ProgressAt,
        };
        return step.State != StepState.Waiting ? document : new WaitingStepDocument(document)
        {
            WaitReason = step.WaitReason,
            WaitEvent = step.WaitEvent,
            WaitUntil = step.WaitUntil,
            ResumeUrl = resumeUrl is not null && step.ResumeToken is not null ? resumeUrl(step.ResumeToken) : null,
        };
    }
}
