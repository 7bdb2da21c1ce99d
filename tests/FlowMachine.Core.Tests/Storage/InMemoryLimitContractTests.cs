using FlowMachine.Conformance;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory store against the flow control contract.</summary>
public sealed class InMemoryLimitContractTests() : LimitStoreContractTests(new InMemoryContractStores());
