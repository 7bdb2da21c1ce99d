using FlowMachine.Conformance;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory store against the priority contract.</summary>
public sealed class InMemoryPriorityContractTests() : PriorityStoreContractTests(new InMemoryContractStores());
