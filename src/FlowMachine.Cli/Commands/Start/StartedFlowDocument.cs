using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Commands.Start;

/// <summary><c>flowmachine start --json</c>: the flow's summary and whether this start created it.</summary>
internal sealed record StartedFlowDocument : FlowSummaryDocument
{
    [SetsRequiredMembers]
    public StartedFlowDocument(FlowRecord flow, bool created)
        : base(flow) => Created = created;

    [JsonPropertyName("created")]
    [JsonPropertyOrder(1)]
    public bool Created { get; init; }
}
