using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine;

/// <summary>
/// What applications do with flows: start them, read them, and push them on from outside.
/// Commands are queued for the flow's worker and applied in order; they return at once.
/// </summary>
public interface IFlowClient
{
    /// <summary>Starts a flow of a stored routine or an inline spec; an existing key returns that flow.</summary>
    /// <exception cref="Specs.SpecException">The spec is invalid or the routine does not exist.</exception>
    Task<StartFlowResult> StartAsync(StartFlowRequest request, CancellationToken cancellationToken = default);

    /// <summary>A flow with its steps, or null.</summary>
    Task<FlowView?> GetAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>A page of flows, newest first; pass <see cref="FlowPage.Next"/> as <see cref="FlowQuery.After"/> for the next page.</summary>
    Task<FlowPage> ListAsync(FlowQuery query, CancellationToken cancellationToken = default);

    /// <summary>The flow's history after <paramref name="afterSeq"/>.</summary>
    Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string flowId, long afterSeq = 0, int limit = 1000, CancellationToken cancellationToken = default);

    /// <summary>Resubmit: the waiting step's check runs with <paramref name="args"/>.</summary>
    Task<CommandResult> SubmitAsync(string flowId, JsonNode? args = null, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Force-step: the value becomes the waiting step's result.</summary>
    Task<CommandResult> PushAsync(string flowId, JsonNode? value, string? stepKey = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Raises a named event, kept until the flow waits for it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The keyed overload (name, key, value, id) differs in its types and takes no optional parameter: no call can change its meaning.")]
    Task<CommandResult> RaiseEventAsync(string flowId, string name, JsonNode? value = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raises the event <paramref name="name"/> with the correlation key <paramref name="key"/>: it reaches every flow
    /// that waits for that name and key (its value becomes the waiting step's result) and is kept for flows that wait
    /// for it later. An <paramref name="id"/> seen before makes it a duplicate that does nothing.
    /// </summary>
    Task<KeyedEventResult> RaiseEventAsync(string name, string key, JsonNode? value, string? id, CancellationToken cancellationToken);

    /// <summary>Cancels the flow.</summary>
    Task<CommandResult> CancelAsync(string flowId, string? reason = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Restarts the flow from its first step.</summary>
    Task<CommandResult> ResetAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Retries a FAILED, KILLED or CANCELLED flow from where it stopped; any other state is a conflict.</summary>
    Task<CommandResult> RetryAsync(string flowId, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Moves the flow's position.</summary>
    Task<CommandResult> SetPositionAsync(string flowId, int position, string? actor = null, CancellationToken cancellationToken = default);
}
