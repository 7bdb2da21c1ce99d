using FlowMachine.Engine;
using FlowMachine.Specs;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Priorities through the engine: a start's priority or the spec's, children inheriting theirs, a worker taking urgent flows first.</summary>
public abstract class PriorityScenarios : ScenarioBase
{
    [Fact]
    public async Task A_high_priority_flow_started_behind_a_backlog_is_taken_by_the_first_claim_round()
    {
        // Judged by what the store's claims handed out, in order, not by when flows completed: a starved thread
        // may finish a flow late, but claims take due flows by priority, then due time, whatever the load.
        var inner = CreateStore();
        await inner.InitializeAsync(CancellationToken.None);
        var (store, watch) = ClaimWatch.Wrap(inner);
        await using var h = new EngineHarness(store);
        const int Backlog = 120;
        const int Concurrency = 4;
        for (var i = 0; i < Backlog; i++)
        {
            await h.StartAsync("tasks: [noop]");
        }

        var urgent = (await h.Engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [noop]", Priority = 5 })).Flow.Id;
        var completed = new List<string>();
        h.Engine.Committed += t =>
        {
            if (t.Flow.State == FlowState.Completed)
            {
                lock (completed)
                {
                    completed.Add(t.Flow.Id);
                }
            }
        };

        using var stop = new CancellationTokenSource();
        var worker = new FlowWorker(h.Engine, new FlowWorkerOptions { Concurrency = Concurrency }).RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (Count(completed) < Backlog + 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await worker;
        Assert.Equal(Backlog + 1, Count(completed));

        // The worker's first claim round (as many flows as it has slots) takes it, with three of the backlog.
        var first = watch.Claims[0];
        Assert.Equal(Concurrency, first.Count);
        Assert.Contains(urgent, first);
        Assert.Equal(1, watch.ClaimsOf(urgent));
    }

    [Fact]
    public async Task The_start_gives_the_priority_else_the_spec_else_0()
    {
        await using var h = await NewHarnessAsync();
        async Task<int> PriorityOf(StartFlowRequest request) =>
            (await h.Store.GetFlowAsync((await h.Engine.StartAsync(request)).Flow.Id, CancellationToken.None))!.Priority;

        Assert.Equal(0, await PriorityOf(new StartFlowRequest { SpecText = "tasks: [noop]" }));
        Assert.Equal(3, await PriorityOf(new StartFlowRequest { SpecText = "cfg: { priority: 3 }\ntasks: [noop]" }));
        Assert.Equal(-7, await PriorityOf(new StartFlowRequest { SpecText = "cfg: { priority: 3 }\ntasks: [noop]", Priority = -7 }));
        Assert.Equal(1000, await PriorityOf(new StartFlowRequest { SpecText = "tasks: [noop]", Priority = 1000 }));

        var refused = await Assert.ThrowsAsync<SpecException>(() => h.Engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [noop]", Priority = 1001 }));
        Assert.Equal("priority", Assert.Single(refused.Errors).Path);
        var badSpec = await Assert.ThrowsAsync<SpecException>(() => h.Engine.StartAsync(new StartFlowRequest { SpecText = "cfg: { priority: -1001 }\ntasks: [noop]" }));
        Assert.Contains(badSpec.Errors, e => e.Path.EndsWith("cfg.priority", StringComparison.Ordinal) && e.Message.Contains("-1000 to 1000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Children_run_at_their_parents_priority_unless_their_spec_gives_one()
    {
        await using var h = await NewHarnessAsync();
        var inherits = await StartAndSpawnAsync(h, """{"tasks":[{"key":"child","task_type":"flow","task_params":{"spec":{"tasks":["wait"]}}}]}""");
        var own = await StartAndSpawnAsync(h, """{"tasks":[{"key":"child","task_type":"flow","task_params":{"spec":{"cfg":{"priority":-2},"tasks":["wait"]}}}]}""");

        Assert.Equal(6, inherits.Priority);
        Assert.Equal(-2, own.Priority);
    }

    private static async Task<FlowRecord> StartAndSpawnAsync(EngineHarness h, string spec)
    {
        var parent = (await h.Engine.StartAsync(new StartFlowRequest { SpecText = spec, Priority = 6 })).Flow.Id;
        var view = await h.RunAsync(parent);
        Assert.Equal(FlowState.Spawned, view.Flow.State);
        var children = await h.Store.ListFlowsAsync(new FlowQuery { ParentFlowId = parent }, CancellationToken.None);
        return Assert.Single(children.Items);
    }

    private static int Count(List<string> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }
}
