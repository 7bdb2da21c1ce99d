using FlowMachine.Conformance;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the diagnosis reads' contract.</summary>
public sealed class PostgresDiagnosisStoreContractTests(TestDatabase db) : DiagnosisStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
