using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>An event raised for a flow and not taken by any step.</summary>
public sealed record DiagnosisEvent(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("at")] DateTimeOffset At);
