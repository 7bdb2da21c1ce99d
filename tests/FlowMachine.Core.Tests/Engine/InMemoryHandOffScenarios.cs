using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Engine;

public sealed class InMemoryHandOffScenarios : HandOffScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}
