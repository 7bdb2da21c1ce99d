using FlowMachine.Conformance;

namespace FlowMachine.Postgres.Tests;

/// <summary>The PostgreSQL store against the route contract.</summary>
public sealed class PostgresRouteContractTests(TestDatabase db) : RouteStoreContractTests(new PostgresContractStores(db)), IClassFixture<TestDatabase>;
