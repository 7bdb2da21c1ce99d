using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>A child flow a step waits for, with its state (null when the child is gone).</summary>
public sealed record DiagnosisChild(
    [property: JsonPropertyName("flowId")] string FlowId,
    [property: JsonPropertyName("state")] string? State);
