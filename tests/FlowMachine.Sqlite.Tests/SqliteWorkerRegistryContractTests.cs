using FlowMachine.Conformance;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite store against the workers' registry contract.</summary>
public sealed class SqliteWorkerRegistryContractTests() : WorkerRegistryContractTests(new SqliteContractStores());
