namespace FlowMachine.Storage;

/// <summary>Filters and paging for flow lists.</summary>
public sealed record FlowQuery
{
    public FlowState? State { get; init; }
    public string? Routine { get; init; }
    public string? Key { get; init; }
    public string? Owner { get; init; }
    public string? ParentFlowId { get; init; }

    /// <summary>Only the flows this schedule started.</summary>
    public string? Schedule { get; init; }
    public int Limit { get; init; } = 50;

    /// <summary>The cursor from a previous page's <see cref="FlowPage.Next"/>.</summary>
    public string? After { get; init; }
}
