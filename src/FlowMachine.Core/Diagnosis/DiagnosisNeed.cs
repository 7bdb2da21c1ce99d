using System.Text.Json.Serialization;

namespace FlowMachine.Diagnosis;

/// <summary>What a step that may run next needs of a worker: a queue and a task type, and how many live workers serve both.</summary>
public sealed record DiagnosisNeed(
    [property: JsonPropertyName("queue")] string Queue,
    [property: JsonPropertyName("taskType")] string TaskType,
    [property: JsonPropertyName("liveWorkers")] int LiveWorkers);
