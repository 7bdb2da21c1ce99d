using FlowMachine.Storage;

namespace FlowMachine.Conformance;

/// <summary>
/// A provider's stores for the conformance suite. Each test of each contract class gets its own instance.
/// </summary>
public abstract class ContractStores
{
    /// <summary>A new, empty store; the suite calls <see cref="IFlowStore.InitializeAsync"/> itself.</summary>
    public abstract ValueTask<IFlowStore> CreateStoreAsync();

    /// <summary>Runs after every store of the test is disposed (delete files and the like).</summary>
    public virtual ValueTask CleanupAsync() => ValueTask.CompletedTask;
}
