using System.Text.Json.Nodes;

namespace FlowMachine;

/// <summary>What a task's check found on resubmit.</summary>
public sealed class CheckResult
{
    private CheckResult(bool isReady, JsonNode? value, string? reason)
    {
        IsReady = isReady;
        Value = value;
        Reason = reason;
    }

    /// <summary>True when the wait is over and the step completes.</summary>
    public bool IsReady { get; }

    /// <summary>The step's result when ready.</summary>
    public JsonNode? Value { get; }

    /// <summary>Why the step still waits, when not ready.</summary>
    public string? Reason { get; }

    /// <summary>The wait is over; <paramref name="value"/> becomes the step's result (stored as JSON).</summary>
    public static CheckResult Ready(object? value = null) => new(true, OutcomeJson.ToNode(value ?? true), null);

    /// <summary>The step keeps waiting; nothing is stored.</summary>
    public static CheckResult NotReady(string? reason = null) => new(false, null, reason);

    /// <summary>A boolean check: true is ready with the value <c>true</c>, false keeps waiting.</summary>
    public static implicit operator CheckResult(bool ready) => ready ? Ready(true) : NotReady();
}
