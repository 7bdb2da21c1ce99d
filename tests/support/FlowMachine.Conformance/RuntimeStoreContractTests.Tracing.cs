using FlowMachine.Storage;

namespace FlowMachine.Conformance;

// The runtime contract, continued: a flow's trace context is stored with it, whichever way it was created.
public abstract partial class RuntimeStoreContractTests
{
    private const string StartTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private const string ChildTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    [Fact]
    public async Task A_flows_traceparent_round_trips_through_start_claim_commit_and_children()
    {
        var store = await NewStoreAsync();
        var started = MakeFlow("f1", nextRunAt: T0);
        started.Flow.TraceParent = StartTrace;
        await store.CreateFlowAsync(started, None);
        await store.CreateFlowAsync(MakeFlow("untraced", nextRunAt: T0.AddHours(1)), None);

        Assert.Equal(StartTrace, (await store.GetFlowAsync("f1", None))!.TraceParent);
        Assert.Null((await store.GetFlowAsync("untraced", None))!.TraceParent);
        var claimed = (await store.ClaimDueAsync("w1", 10, T0, Lease, None)).Single();
        Assert.Equal(StartTrace, claimed.Flow.TraceParent);

        // A commit keeps it (it is written once) and stores the children's own.
        var row = claimed.Flow.Clone();
        row.State = FlowState.Spawned;
        row.TraceParent = null;
        var child = MakeFlow("child", parent: "f1", nextRunAt: T0);
        child.Flow.TraceParent = ChildTrace;
        await store.CommitAsync(new FlowTransition { LeaseOwner = "w1", Flow = row, NewFlows = [child, MakeFlow("child2", parent: "f1")] }, None);

        Assert.Equal(StartTrace, (await store.GetFlowAsync("f1", None))!.TraceParent);
        Assert.Equal(ChildTrace, (await store.GetFlowAsync("child", None))!.TraceParent);
        Assert.Null((await store.GetFlowAsync("child2", None))!.TraceParent);
        var listed = await store.ListFlowsAsync(new FlowQuery { ParentFlowId = "f1" }, None);
        Assert.Contains(listed.Items, f => f.Id == "child" && f.TraceParent == ChildTrace);
        var again = await store.ClaimFlowAsync("child", "w2", T0, Lease, None);
        Assert.Equal(ChildTrace, again!.Flow.TraceParent);
    }
}
