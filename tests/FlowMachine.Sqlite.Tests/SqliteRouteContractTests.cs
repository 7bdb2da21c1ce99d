using FlowMachine.Conformance;

namespace FlowMachine.Sqlite.Tests;

/// <summary>The SQLite store against the route contract.</summary>
public sealed class SqliteRouteContractTests() : RouteStoreContractTests(new SqliteContractStores());
