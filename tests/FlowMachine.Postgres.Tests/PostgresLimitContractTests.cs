using FlowMachine.Conformance;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the flow control contract.</summary>
public sealed class PostgresLimitContractTests(TestDatabase db) : LimitStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
