using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Engine;

public sealed class InMemoryRetryScenarios : RetryScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}
