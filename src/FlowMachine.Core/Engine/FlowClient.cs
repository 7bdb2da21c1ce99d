using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Engine;

/// <summary>The <see cref="IFlowClient"/> of a process that holds an engine.</summary>
public sealed class FlowClient(FlowEngine engine) : IFlowClient
{
    public Task<StartFlowResult> StartAsync(StartFlowRequest request, CancellationToken cancellationToken = default) =>
        engine.StartAsync(request, cancellationToken);

    public Task<FlowView?> GetAsync(string flowId, CancellationToken cancellationToken = default) =>
        engine.GetAsync(flowId, cancellationToken);

    public async Task<FlowPage> ListAsync(FlowQuery query, CancellationToken cancellationToken = default) =>
        await engine.Store.ListFlowsAsync(query, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string flowId, long afterSeq = 0, int limit = 1000, CancellationToken cancellationToken = default) =>
        await engine.Store.GetHistoryAsync(flowId, afterSeq, limit, cancellationToken).ConfigureAwait(false);

    public Task<CommandResult> SubmitAsync(string flowId, JsonNode? args = null, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default) =>
        engine.SubmitAsync(flowId, args, stepKey, actor, cancellationToken);

    public Task<CommandResult> PushAsync(string flowId, JsonNode? value, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default) =>
        engine.PushAsync(flowId, value, stepKey, actor, cancellationToken);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The keyed overload (name, key, value, id) differs in its types and takes no optional parameter: no call can change its meaning.")]
    public Task<CommandResult> RaiseEventAsync(string flowId, string name, JsonNode? value = null, CancellationToken cancellationToken = default) =>
        engine.RaiseEventAsync(flowId, name, value, cancellationToken);

    /// <inheritdoc/>
    public Task<KeyedEventResult> RaiseEventAsync(string name, string key, JsonNode? value, string? id, CancellationToken cancellationToken) =>
        engine.RaiseKeyedEventAsync(name, key, value, id, owner: null, cancellationToken);

    public Task<CommandResult> CancelAsync(string flowId, string? reason = null, string? actor = null, CancellationToken cancellationToken = default) =>
        engine.CancelAsync(flowId, reason, actor, cancellationToken);

    public Task<CommandResult> ResetAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default) =>
        engine.ResetAsync(flowId, actor, cancellationToken);

    /// <inheritdoc/>
    public Task<CommandResult> RetryAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default) =>
        engine.RetryAsync(flowId, actor, cancellationToken);

    public Task<CommandResult> SetPositionAsync(string flowId, int position, string? actor = null, CancellationToken cancellationToken = default) =>
        engine.SetPositionAsync(flowId, position, actor, cancellationToken);
}
