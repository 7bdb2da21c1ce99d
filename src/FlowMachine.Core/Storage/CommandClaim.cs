using FlowMachine.Routing;

namespace FlowMachine.Storage;

/// <summary>
/// Who a command's write leases its flow to (<see cref="IFlowRuntimeStore.EnqueueCommandAsync(string, string, string?, System.Text.Json.Nodes.JsonNode?, string?, DateTimeOffset, CommandClaim, CancellationToken)"/>):
/// the owner, the routes it accepts (null: any) and the lease's length.
/// </summary>
public sealed record CommandClaim(string Owner, RouteSet? Routes, TimeSpan Lease);
