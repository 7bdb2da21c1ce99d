using FlowMachine.Engine;
using FlowMachine.Operations;
using FlowMachine.Storage;

namespace FlowMachine.Server.Dashboard.Overview;

/// <summary>
/// Workers alive, derived from the flows' leases (<see cref="FlowRecord.LeaseOwner"/>, <see cref="FlowRecord.LeaseExpiresAt"/>):
/// a worker holding a live lease is alive. Only PENDING and RUNNING flows are leased, so those two lists are read
/// (up to <see cref="Scan"/> each) with the existing <see cref="IFlowQueryStore.ListFlowsAsync"/>; no new store query.
/// </summary>
internal static class WorkerLeases
{
    private const int Scan = 500;

    public static async Task<IReadOnlyList<WorkerLease>> ReadAsync(IFlowQueryStore flows, FlowEngineOptions engine, FlowMachineServerOptions options, Caller caller, CancellationToken cancellationToken)
    {
        var now = engine.Time.GetUtcNow();
        var leased = new List<FlowRecord>();
        foreach (var state in new[] { FlowState.Running, FlowState.Pending })
        {
            var page = await flows.ListFlowsAsync(new FlowQuery { State = state, Limit = Scan }, cancellationToken).ConfigureAwait(false);
            leased.AddRange(page.Items.Where(f => f.LeaseOwner is not null && f.LeaseExpiresAt > now));
        }

        var workers = leased
            .GroupBy(f => f.LeaseOwner!, StringComparer.Ordinal)
            .Select(g => new WorkerLease(
                g.Key,
                [.. g.Where(f => caller.CanSee(f.Owner)).Select(f => f.Id)],
                g.Count(),
                g.Max(f => f.LeaseExpiresAt) - engine.LeaseDuration,
                string.Equals(g.Key, engine.WorkerId, StringComparison.Ordinal)))
            .ToList();
        if (options.RunWorker && !workers.Any(w => w.Local))
        {
            workers.Insert(0, new WorkerLease(engine.WorkerId, [], 0, null, Local: true));
        }

        return workers;
    }
}
