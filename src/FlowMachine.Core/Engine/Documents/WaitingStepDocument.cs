using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace FlowMachine.Engine;

/// <summary>A waiting step: what it waits for, and its callback URL when the surface has one.</summary>
public sealed record WaitingStepDocument : StepDocument
{
    /// <summary>A waiting step with the fields of <paramref name="step"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public WaitingStepDocument(StepDocument step)
        : base(step)
    {
    }

    [JsonPropertyName("waitReason")]
    [JsonPropertyOrder(1)]
    public string? WaitReason { get; init; }

    [JsonPropertyName("waitEvent")]
    [JsonPropertyOrder(2)]
    public string? WaitEvent { get; init; }

    [JsonPropertyName("waitUntil")]
    [JsonPropertyOrder(3)]
    public DateTimeOffset? WaitUntil { get; init; }

    [JsonPropertyName("resumeUrl")]
    [JsonPropertyOrder(4)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [SuppressMessage("Design", "CA1056:URI-like properties should not be strings", Justification = "A JSON read model: the resume URL is sent as the text clients get today.")]
    public string? ResumeUrl { get; init; }
}
