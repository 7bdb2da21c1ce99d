using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>
/// Why a flow is not moving and what would move it: a <see cref="Kind"/> code, one plain sentence (<see cref="Summary"/>)
/// and the <see cref="Facts"/> behind it, read from the store at <see cref="At"/>.
/// </summary>
public sealed record FlowDiagnosis
{
    /// <summary>The flow.</summary>
    [JsonPropertyName("flowId")]
    public required string FlowId { get; init; }

    /// <summary>The flow's state, in capitals.</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    /// <summary>What holds the flow (<see cref="DiagnosisKinds"/>).</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>One sentence for people: why the flow is not moving and what would move it.</summary>
    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    /// <summary>The facts the sentence rests on.</summary>
    [JsonPropertyName("facts")]
    public DiagnosisFacts Facts { get; init; } = new();

    /// <summary>When the diagnosis was made.</summary>
    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }
}
