using FlowMachine.Conformance;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory store against the pause contract.</summary>
public sealed class InMemoryPauseContractTests() : PauseStoreContractTests(new InMemoryContractStores());
