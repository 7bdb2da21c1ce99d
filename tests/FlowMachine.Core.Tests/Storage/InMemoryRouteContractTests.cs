using FlowMachine.Conformance;

namespace FlowMachine.Tests.Storage;

/// <summary>The in-memory store against the route contract.</summary>
public sealed class InMemoryRouteContractTests() : RouteStoreContractTests(new InMemoryContractStores());
