using System.Text.Json.Serialization;

namespace FlowMachine.Client;

/// <summary>An RFC 9457 problem the server answered with; <see cref="Errors"/> names each wrong field or spec path.</summary>
public sealed record FlowMachineProblem
{
    /// <summary>The HTTP status.</summary>
    [JsonPropertyName("status")]
    public int Status { get; init; }

    /// <summary>A short summary, such as <c>The request is not valid</c>.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>What went wrong, in the API's words.</summary>
    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    /// <summary>The problem type's URI.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>The messages of each wrong field or spec path (such as <c>spec.tasks[1].task_type</c>); empty when none.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();

    /// <summary>The detail, else the title, else the status.</summary>
    public override string ToString() => Detail ?? Title ?? $"HTTP {Status}";
}
