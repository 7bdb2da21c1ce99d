using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Engine;

public sealed class InMemoryDiagnosisScenarios : DiagnosisScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}
