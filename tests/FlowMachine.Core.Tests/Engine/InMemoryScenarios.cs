using FlowMachine.Conformance.Scenarios;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Engine;

public sealed class InMemoryDagScenarios : DagScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemoryOutcomeScenarios : OutcomeScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemorySeedRoutineScenarios : SeedRoutineScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemoryStartValidationScenarios : StartValidationScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemoryTimerScenarios : TimerScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemorySearchScenarios : SearchScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemoryPriorityScenarios : PriorityScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemoryDeadlineScenarios : DeadlineScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}

public sealed class InMemoryKeyedEventScenarios : KeyedEventScenarios
{
    protected override IFlowStore CreateStore() => new InMemoryFlowStore();
}
