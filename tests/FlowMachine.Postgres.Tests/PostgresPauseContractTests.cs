using FlowMachine.Conformance;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the pause contract.</summary>
public sealed class PostgresPauseContractTests(TestDatabase db) : PauseStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
