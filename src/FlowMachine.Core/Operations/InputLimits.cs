namespace FlowMachine.Operations;

/// <summary>The limits on what a caller may send, the same on every surface.</summary>
public static class InputLimits
{
    /// <summary>The longest event name.</summary>
    public const int MaxEventNameLength = 200;

    /// <summary>The longest correlation key of an event, and the longest event id.</summary>
    public const int MaxEventKeyLength = 500;

    /// <summary>The longest routine name.</summary>
    public const int MaxRoutineNameLength = 200;

    /// <summary>The most flows one page of a list holds.</summary>
    public const int MaxPageSize = 500;

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The most history events one read returns.</summary>
    public const int MaxHistoryLimit = 10_000;

    /// <summary>The number of history events when none is asked for.</summary>
    public const int DefaultHistoryLimit = 1000;

    /// <summary>Whether <paramref name="name"/> is an event name: 1 to <see cref="MaxEventNameLength"/> characters, not only white space.</summary>
    public static bool IsEventName(string? name) => !string.IsNullOrWhiteSpace(name) && name.Length <= MaxEventNameLength;
}
