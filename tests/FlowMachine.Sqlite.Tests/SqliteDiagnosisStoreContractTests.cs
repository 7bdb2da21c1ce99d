using FlowMachine.Conformance;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite store against the diagnosis reads' contract.</summary>
public sealed class SqliteDiagnosisStoreContractTests() : DiagnosisStoreContractTests(new SqliteContractStores());
