namespace FlowMachine.Storage;

/// <summary>How suspending, resuming or pausing ended.</summary>
public enum HoldStatus
{
    /// <summary>The flow or routine is now as asked.</summary>
    Changed,

    /// <summary>It was as asked already: nothing changed.</summary>
    Unchanged,

    /// <summary>No such flow or routine: nothing changed.</summary>
    NotFound,

    /// <summary>The caller may not change it (not its owner nor an administrator): nothing changed. Never from a store.</summary>
    Forbidden,

    /// <summary>The flow has ended (see <see cref="HoldResult.State"/>): nothing changed.</summary>
    Ended,
}
