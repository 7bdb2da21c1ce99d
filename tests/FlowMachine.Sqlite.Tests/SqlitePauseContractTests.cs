using FlowMachine.Conformance;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite store against the pause contract.</summary>
public sealed class SqlitePauseContractTests() : PauseStoreContractTests(new SqliteContractStores());
