namespace FlowMachine.Storage;

/// <summary>What <see cref="IFlowDiagnosisStore.ListOverdueFlowsAsync"/> looks for.</summary>
public sealed record OverdueQuery
{
    /// <summary>The time of the read.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Flows due at or before this time and not claimed are overdue (now minus the threshold).</summary>
    public required DateTimeOffset DueBefore { get; init; }

    /// <summary>Only this owner's flows; null: everyone's.</summary>
    public string? Owner { get; init; }

    /// <summary>At most this many flows.</summary>
    public int Limit { get; init; } = 100;
}
