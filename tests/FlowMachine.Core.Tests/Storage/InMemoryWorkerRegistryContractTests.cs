using FlowMachine.Conformance;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory store against the workers' registry contract.</summary>
public sealed class InMemoryWorkerRegistryContractTests() : WorkerRegistryContractTests(new InMemoryContractStores());
