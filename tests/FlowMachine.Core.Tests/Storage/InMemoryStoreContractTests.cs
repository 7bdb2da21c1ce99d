using FlowMachine.Conformance;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory store against the store conformance suite.</summary>
public sealed class InMemoryStoreContractTests : FlowStoreContractTests
{
    protected override ValueTask<IFlowStore> CreateStoreAsync() => ValueTask.FromResult<IFlowStore>(new InMemoryFlowStore());
}
