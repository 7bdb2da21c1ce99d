using FlowMachine.Conformance;
using FlowMachine.Storage;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Tests.Storage;

/// <summary>In-memory stores for the store conformance suite.</summary>
public sealed class InMemoryContractStores : ContractStores
{
    public override ValueTask<IFlowStore> CreateStoreAsync() => ValueTask.FromResult<IFlowStore>(new InMemoryFlowStore());
}

/// <summary>The in-memory store against the runtime contract.</summary>
public sealed class InMemoryRuntimeContractTests() : RuntimeStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the read-only contract.</summary>
public sealed class InMemoryQueryContractTests() : QueryStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the routine contract.</summary>
public sealed class InMemoryRoutineContractTests() : RoutineStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the resume-token contract.</summary>
public sealed class InMemoryResumeTokenContractTests() : ResumeTokenStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the schedule contract.</summary>
public sealed class InMemoryScheduleContractTests() : ScheduleStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the retention contract.</summary>
public sealed class InMemoryRetentionContractTests() : RetentionStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the search contract (tags, attributes, list filters).</summary>
public sealed class InMemorySearchContractTests() : SearchStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the command-receipt contract.</summary>
public sealed class InMemoryCommandReceiptContractTests() : CommandReceiptStoreContractTests(new InMemoryContractStores());
public sealed class InMemoryHookContractTests() : HookStoreContractTests(new InMemoryContractStores());

/// <summary>The in-memory store against the keyed-event contract.</summary>
public sealed class InMemoryKeyedEventContractTests() : KeyedEventStoreContractTests(new InMemoryContractStores());
