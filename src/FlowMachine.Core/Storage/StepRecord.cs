using System.Text.Json.Nodes;

namespace FlowMachine.Storage;

/// <summary>One step of a flow as stored.</summary>
public sealed class StepRecord
{
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
    public string? ErrorDetail { get; set; }

    /// <summary>Attempts started so far.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>A pending step does not run before this time (retry backoff).</summary>
    public DateTimeOffset? NotBefore { get; set; }

    public string? WaitReason { get; set; }

    /// <summary>The named event the waiting step is resumed by.</summary>
    public string? WaitEvent { get; set; }

    /// <summary>When the waiting step resumes by itself.</summary>
    public DateTimeOffset? WaitUntil { get; set; }

    /// <summary>The single-use token that resumes the waiting step from outside.</summary>
    public string? ResumeToken { get; set; }

    /// <summary>Param values merged in by earlier steps (<c>wire</c>).</summary>
    public JsonObject? ParamOverrides { get; set; }

    /// <summary>While SPAWNED: the children and the results collected so far.</summary>
    public JsonObject? Spawn { get; set; }

    /// <summary>A copy that shares the JSON nodes (they are replaced, never edited, once committed).</summary>
    public StepRecord ShallowCopy() => (StepRecord)MemberwiseClone();

    public StepRecord Clone()
    {
        var copy = (StepRecord)MemberwiseClone();
        copy.Result = Result?.DeepClone();
        copy.ParamOverrides = (JsonObject?)ParamOverrides?.DeepClone();
        copy.Spawn = (JsonObject?)Spawn?.DeepClone();
        return copy;
    }
}
