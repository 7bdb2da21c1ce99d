using FlowMachine.Engine;
using FlowMachine.Server.Auth;
using FlowMachine.Storage;

namespace FlowMachine.Server.Flows;

/// <summary>Reads a flow only for a caller who may see it; to anyone else it does not exist.</summary>
internal static class FlowAccess
{
    public static async Task<FlowRecord?> FindAsync(IFlowStore store, string flowId, Caller caller, CancellationToken cancellationToken)
    {
        var flow = await store.GetFlowAsync(flowId, cancellationToken).ConfigureAwait(false);
        return flow is not null && caller.CanSee(flow.Owner) ? flow : null;
    }

    public static async Task<FlowView?> ViewAsync(FlowEngine engine, string flowId, Caller caller, CancellationToken cancellationToken)
    {
        var view = await engine.GetAsync(flowId, cancellationToken).ConfigureAwait(false);
        return view is not null && caller.CanSee(view.Flow.Owner) ? view : null;
    }
}
