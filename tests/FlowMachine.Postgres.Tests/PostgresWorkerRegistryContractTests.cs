using FlowMachine.Conformance;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the workers' registry contract.</summary>
public sealed class PostgresWorkerRegistryContractTests(TestDatabase db) : WorkerRegistryContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
