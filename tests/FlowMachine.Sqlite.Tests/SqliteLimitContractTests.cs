using FlowMachine.Conformance;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite store against the flow control contract.</summary>
public sealed class SqliteLimitContractTests() : LimitStoreContractTests(new SqliteContractStores());
