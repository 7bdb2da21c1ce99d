using FlowMachine.Conformance;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite store against the priority contract.</summary>
public sealed class SqlitePriorityContractTests() : PriorityStoreContractTests(new SqliteContractStores());
