using FlowMachine.Specs;
using FlowMachine.Storage;

namespace FlowMachine.Operations;

/// <summary>
/// The one place that decides who may see a flow and who may use which verb on it, shared by the API, the
/// dashboard and the CLI. A flow the caller may not see does not exist for them.
/// </summary>
public sealed class FlowVerbs(IFlowClient client, IFlowQueryStore flows)
{
    /// <summary>Whether <paramref name="caller"/> may use <paramref name="verb"/> at all: admin-only verbs need an administrator.</summary>
    public static bool Allows(Caller caller, FlowVerb verb)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(verb);
        return caller.IsAdmin || !verb.AdminOnly;
    }

    /// <summary>The flow, only for a caller who may see it.</summary>
    public async Task<FlowRecord?> FindAsync(string flowId, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var flow = await flows.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        return flow is not null && caller.CanSee(flow.Owner) ? flow : null;
    }

    /// <summary>The flow with its steps, only for a caller who may see it.</summary>
    public async Task<FlowView?> ViewAsync(string flowId, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = await client.GetAsync(flowId, cancellationToken).ConfigureAwait(false);
        return view is not null && caller.CanSee(view.Flow.Owner) ? view : null;
    }

    /// <summary>
    /// Starts a flow owned by <paramref name="caller"/>. A keyed start returns the existing flow only to its
    /// owner: anyone else, admins too, is refused with <see cref="FlowStartResult.KeyHeldByOther"/> and the
    /// surface decides how much to tell. Spec errors are thrown as <see cref="SpecException"/>.
    /// </summary>
    public async Task<FlowStartResult> StartAsync(Caller caller, StartFlowRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var started = await client.StartAsync(request with { Owner = caller.Name }, cancellationToken).ConfigureAwait(false);
        return new FlowStartResult(started, KeyHeldByOther: !started.Created && !caller.Owns(started.Flow.Owner));
    }

    /// <summary>
    /// Checks the verb's inputs, the caller's right to it and to the flow, then queues it. In that order:
    /// an event name out of limits, an admin-only verb, a flow the caller may not see, a position out of range.
    /// </summary>
    public async Task<FlowVerbResult> SendAsync(Caller caller, FlowVerb verb, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verb);
        if (verb is FlowVerb.Event { EventName: var eventName } && !InputLimits.IsEventName(eventName))
        {
            return new FlowVerbResult(FlowVerbOutcome.Invalid, "name");
        }

        if (!Allows(caller, verb))
        {
            return new FlowVerbResult(FlowVerbOutcome.Forbidden);
        }

        if (await FindAsync(verb.FlowId, caller, cancellationToken).ConfigureAwait(false) is not { } flow)
        {
            return new FlowVerbResult(FlowVerbOutcome.NotFound);
        }

        if (verb is FlowVerb.Position { Index: var index } && SpecJson.Deserialize(flow.SpecJson).Tasks.Count is var count && (index < 0 || index >= count))
        {
            return new FlowVerbResult(FlowVerbOutcome.Invalid, "position", count);
        }

        var result = await (verb switch
        {
            FlowVerb.Submit s => client.SubmitAsync(s.FlowId, s.Args, s.Step, caller.Name, cancellationToken),
            FlowVerb.Push p => client.PushAsync(p.FlowId, p.Value, p.Step, caller.Name, cancellationToken),
            FlowVerb.Event e => client.RaiseEventAsync(e.FlowId, e.EventName!, e.Value, cancellationToken),
            FlowVerb.Cancel c => client.CancelAsync(c.FlowId, c.Reason, caller.Name, cancellationToken),
            FlowVerb.Reset r => client.ResetAsync(r.FlowId, caller.Name, cancellationToken),
            FlowVerb.Retry r => client.RetryAsync(r.FlowId, caller.Name, cancellationToken),
            FlowVerb.Position p => client.SetPositionAsync(p.FlowId, p.Index, caller.Name, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "not a flow verb"),
        }).ConfigureAwait(false);
        return new FlowVerbResult(result.Status == CommandStatus.Accepted ? FlowVerbOutcome.Accepted : FlowVerbOutcome.Refused, Command: result);
    }
}
