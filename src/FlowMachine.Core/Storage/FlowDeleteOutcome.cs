namespace FlowMachine.Storage;

/// <summary>What <see cref="IFlowRetentionStore.DeleteFlowAsync"/> did.</summary>
public enum FlowDeleteOutcome
{
    /// <summary>The flow and its children are gone.</summary>
    Deleted,

    /// <summary>There is no such flow.</summary>
    NotFound,

    /// <summary>
    /// Nothing deleted: the flow is not terminal, is leased or due, its parent has not ended, or one of its
    /// descendants has not.
    /// </summary>
    NotDeletable,
}
