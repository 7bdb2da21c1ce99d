using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FlowMachine.Engine;

/// <summary>
/// The whole flow with its steps. With a resume URL builder, waiting steps and the flow carry their
/// callback URL (<c>resumeUrl</c>, left out otherwise).
/// </summary>
public sealed record FlowDocument : FlowSummaryDocument
{
    [JsonPropertyName("input")]
    [JsonPropertyOrder(1)]
    public JsonNode? Input { get; init; }

    [JsonPropertyName("data")]
    [JsonPropertyOrder(2)]
    public JsonNode? Data { get; init; }

    [JsonPropertyName("result")]
    [JsonPropertyOrder(3)]
    public JsonNode? Result { get; init; }

    [JsonPropertyName("steps")]
    [JsonPropertyOrder(4)]
    public IReadOnlyList<StepDocument> Steps { get; init; } = [];

    [JsonPropertyName("resumeUrl")]
    [JsonPropertyOrder(5)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [SuppressMessage("Design", "CA1056:URI-like properties should not be strings", Justification = "A JSON read model: the resume URL is sent as the text clients get today.")]
    public string? ResumeUrl { get; init; }

    /// <summary>The tags the flow was started with.</summary>
    [JsonPropertyName("tags")]
    [JsonPropertyOrder(6)]
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The attributes its tasks set, by name.</summary>
    [JsonPropertyName("attributes")]
    [JsonPropertyOrder(7)]
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = Storage.FlowTags.NoAttributes;

    /// <summary>The flow's priority: claims take due flows of a higher one first (0 unless its start or spec gave one).</summary>
    [JsonPropertyName("priority")]
    [JsonPropertyOrder(8)]
    public int Priority { get; init; }

    /// <summary>Set when the flow's next step waits for a worker of another pool: its queue (null: the task type's default) and task type.</summary>
    [JsonPropertyName("waitingForWorker")]
    [JsonPropertyOrder(9)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Routing.WorkerWait? WaitingForWorker { get; init; }

    /// <summary>When the flow fails with "deadline exceeded" (its <c>cfg.deadline</c> from its start or last retry); left out without one.</summary>
    [JsonPropertyName("deadline")]
    [JsonPropertyOrder(10)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Deadline { get; init; }

    [SetsRequiredMembers]
    private FlowDocument(FlowView view, Func<string, string>? resumeUrl)
        : base(view.Flow)
    {
        Input = view.Flow.Input;
        Data = view.Flow.Data;
        Result = view.Flow.Result;
        Tags = view.Flow.Tags;
        Priority = view.Flow.Priority;
        Attributes = new SortedDictionary<string, string>(view.Flow.Attributes.ToDictionary(), StringComparer.Ordinal);
        Steps = [.. view.Steps.Select(s => StepDocument.Of(s, resumeUrl))];
        var waiting = view.Steps.FirstOrDefault(s => s.State == StepState.Waiting && s.ResumeToken is not null);
        ResumeUrl = resumeUrl is not null && waiting is not null ? resumeUrl(waiting.ResumeToken!) : null;
        WaitingForWorker = Routing.WorkerWait.Of(view.Flow.Route);
        Deadline = view.Flow.Deadline;
    }

    /// <summary>The document of <paramref name="view"/>; with <paramref name="resumeUrl"/>, waiting steps carry their callback URL.</summary>
    public static FlowDocument Of(FlowView view, Func<string, string>? resumeUrl = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new FlowDocument(view, resumeUrl);
    }
}
