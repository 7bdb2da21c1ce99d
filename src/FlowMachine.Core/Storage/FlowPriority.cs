namespace FlowMachine.Storage;

/// <summary>A flow's priority: higher runs first; 0 when none is given. Claims take due flows by priority, then due time.</summary>
public static class FlowPriority
{
    /// <summary>The lowest priority a flow may have.</summary>
    public const int Min = -1000;

    /// <summary>The highest priority a flow may have.</summary>
    public const int Max = 1000;

    /// <summary>Why <paramref name="priority"/> is not allowed, or null when it is.</summary>
    public static string? Error(long priority) =>
        priority is < Min or > Max ? $"priority must be a whole number from {Min} to {Max}, not {priority}" : null;
}
