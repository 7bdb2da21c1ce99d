using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Server.Dashboard.Overview;
using FlowMachine.Storage.InMemory;

namespace FlowMachine.Server.Tests.Dashboard;

public sealed class StepRateTests
{
    [Fact]
    public async Task Counts_the_steps_each_owner_finished_from_the_change_feed_until_disposed()
    {
        await using var engine = new FlowEngine(new InMemoryFlowStore(), new TaskRegistry().AddBuiltIns());
        var rate = new StepRate(engine, TimeProvider.System);
        await RunAsync(engine, "tasks: [noop, noop, noop]", "alice");
        await RunAsync(engine, "tasks: [noop, { key: boom, task_type: fail, task_params: { error: no } }]", "bob");
        await RunAsync(engine, "tasks: [noop]", null);

        Assert.Equal(StepRate.Minutes, rate.Read(null).Length);
        Assert.Equal(3, rate.Read("alice").Sum());
        Assert.Equal(2, rate.Read("bob").Sum());
        Assert.Equal(6, rate.Read(null).Sum());
        Assert.Equal(0, rate.Read("carol").Sum());

        rate.Dispose();
        await RunAsync(engine, "tasks: [noop]", "alice");
        Assert.Equal(3, rate.Read("alice").Sum());
    }

    private static async Task RunAsync(FlowEngine engine, string spec, string? owner)
    {
        var started = await engine.StartAsync(new StartFlowRequest { SpecText = spec, Owner = owner });
        await engine.RunAsync(started.Flow.Id);
    }
}
