using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>What a flow page reads besides the flow: its history (read-only) and the clock for durations.</summary>
internal sealed record FlowPageReads(IFlowQueryStore Flows, TimeProvider Time);
