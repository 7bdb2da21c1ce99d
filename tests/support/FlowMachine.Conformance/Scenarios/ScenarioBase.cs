using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>
/// The engine scenarios, written once and run against every store: a provider's test project
/// subclasses each scenario class and says how to make its store.
/// </summary>
public abstract class ScenarioBase
{
    /// <summary>A new, empty store of the provider under test.</summary>
    protected abstract IFlowStore CreateStore();

    /// <summary>An engine on a new initialized store, with a fake clock.</summary>
    protected async Task<EngineHarness> NewHarnessAsync()
    {
        var store = CreateStore();
        await store.InitializeAsync(CancellationToken.None);
        return new EngineHarness(store);
    }
}
