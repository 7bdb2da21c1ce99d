namespace FlowMachine.Storage;

/// <summary>Which top-level flows a retention batch deletes; the terms are combined with AND.</summary>
public sealed record FlowRetentionFilter
{
    /// <summary>The terminal states to delete; states that are not terminal never match.</summary>
    public required IReadOnlyList<FlowState> States { get; init; }

    /// <summary>Only flows that finished (were last updated) before this time; null for any time.</summary>
    public DateTimeOffset? FinishedBefore { get; init; }

    /// <summary>Only flows of this stored routine; null for any flow.</summary>
    public string? Routine { get; init; }

    /// <summary>Only flows with this tag; null for any flow.</summary>
    public string? Tag { get; init; }

    /// <summary>Never flows of these routines (they have a retention policy of their own).</summary>
    public IReadOnlyList<string> ExceptRoutines { get; init; } = [];

    /// <summary>Whether the flow row matches (top-level and deletability are checked apart).</summary>
    public bool Matches(FlowRecord flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.State.IsTerminal() && States.Contains(flow.State)
            && (FinishedBefore is not { } before || flow.UpdatedAt < before)
            && (Routine is null || string.Equals(flow.Routine, Routine, StringComparison.Ordinal))
            && (Tag is null || flow.Tags.Contains(Tag, StringComparer.Ordinal))
            && (flow.Routine is null || !ExceptRoutines.Contains(flow.Routine, StringComparer.Ordinal));
    }
}
