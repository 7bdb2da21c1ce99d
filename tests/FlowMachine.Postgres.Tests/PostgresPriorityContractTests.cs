using FlowMachine.Conformance;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the priority contract.</summary>
public sealed class PostgresPriorityContractTests(TestDatabase db) : PriorityStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
