using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Scheduling;

/// <summary>A schedule's target resolved once per firing round: how to build a flow for a slot, or why none can start.</summary>
internal sealed record ScheduledTarget(Func<string, string?, JsonNode?, IReadOnlyList<string>, DateTimeOffset, string, DateTimeOffset, NewFlow>? Build, string? Error);
