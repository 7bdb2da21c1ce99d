using System.Text.Json.Nodes;

namespace FlowMachine.Specs;

/// <summary>A task as read so far; fields stay null where the spec was wrong, so later checks can skip them.</summary>
internal sealed class StepDraft(string path, JsonNode node)
{
    /// <summary>The task's spec path, e.g. <c>tasks[2]</c>.</summary>
    public string Path { get; } = path;

    /// <summary>The task's node, for line numbers.</summary>
    public JsonNode Node { get; } = node;

    public string KeyPath { get; set; } = path;

    public JsonNode KeyNode { get; set; } = node;

    public string? Key { get; set; }

    public string? TaskType { get; set; }

    public bool IsDuplicate { get; set; }

    public JsonObject Params { get; set; } = [];

    /// <summary>Precursors as written; null when not given (follow the previous task).</summary>
    public List<(string Name, string Path, JsonNode Node)>? Explicit { get; set; }

    public List<string> Resolved { get; } = [];

    public RetrySpec? Retry { get; set; }

    public double? Timeout { get; set; }

    public double? ScheduleToStart { get; set; }

    public double? HeartbeatTimeout { get; set; }

    public string? Queue { get; set; }

    public ConcurrencySpec? Concurrency { get; set; }

    public RateSpec? Rate { get; set; }
}
