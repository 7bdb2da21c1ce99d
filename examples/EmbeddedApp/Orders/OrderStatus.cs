using System.Text.Json.Nodes;

namespace EmbeddedApp.Orders;

/// <summary>What <c>GET /orders/{id}</c> answers.</summary>
/// <param name="Id">The flow id.</param>
/// <param name="State">The flow state: PENDING, RUNNING, ..., COMPLETED, FAILED.</param>
/// <param name="Steps">Each step's key and state.</param>
/// <param name="Receipt">The charge's result once charged.</param>
/// <param name="Error">Why the order failed, if it did.</param>
public sealed record OrderStatus(string Id, string State, IReadOnlyDictionary<string, string> Steps, JsonNode? Receipt, string? Error);
