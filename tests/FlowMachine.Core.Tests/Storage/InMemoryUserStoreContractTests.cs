using FlowMachine.Conformance;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory user store against the user store conformance suite.</summary>
public sealed class InMemoryUserStoreContractTests : UserStoreContractTests
{
    protected override ValueTask<IUserStore> CreateStoreAsync() => ValueTask.FromResult<IUserStore>(new InMemoryUserStore());
}
