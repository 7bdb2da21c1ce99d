using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>A step that holds a concurrency slot the diagnosed step waits for.</summary>
public sealed record DiagnosisHolder(
    [property: JsonPropertyName("flowId")] string FlowId,
    [property: JsonPropertyName("stepKey")] string StepKey,
    [property: JsonPropertyName("worker")] string? Worker);
