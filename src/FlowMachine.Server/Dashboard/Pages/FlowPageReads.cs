using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Pages;

/// <summary>What a flow page reads besides the flow: its history (read-only), the clock for durations, and why it is not moving.</summary>
internal sealed record FlowPageReads(IFlowQueryStore Flows, TimeProvider Time, Diagnosis.FlowDiagnoser Diagnoser);
