namespace FlowMachine.Storage;

/// <summary>A page of flows and the cursor of the next page (null when none).</summary>
public sealed record FlowPage(IReadOnlyList<FlowRecord> Items, string? Next);
