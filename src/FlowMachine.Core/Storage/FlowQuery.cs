namespace FlowMachine.Storage;

/// <summary>Filters and paging for flow lists.</summary>
public sealed record FlowQuery
{
    public FlowState? State { get; init; }
    public string? Routine { get; init; }

    /// <summary>Only flows started from this version of their stored routine.</summary>
    public int? Version { get; init; }

    public string? Key { get; init; }
    public string? Owner { get; init; }
    public string? ParentFlowId { get; init; }

    /// <summary>Only the flows this schedule started.</summary>
    public string? Schedule { get; init; }
    /// <summary>Only flows with this tag.</summary>
    public string? Tag { get; init; }

    /// <summary>Only flows whose attribute of this name has this value.</summary>
    public KeyValuePair<string, string>? Attribute { get; init; }

    /// <summary>Only flows created at or after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only flows created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Only flows whose error holds this text (ignoring the case of ASCII letters).</summary>
    public string? Error { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>The cursor from a previous page's <see cref="FlowPage.Next"/>.</summary>
    public string? After { get; init; }
}
