using FlowMachine.Conformance;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory store against the diagnosis reads' contract.</summary>
public sealed class InMemoryDiagnosisStoreContractTests() : DiagnosisStoreContractTests(new InMemoryContractStores());
