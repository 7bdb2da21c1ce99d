using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.Engine;

/// <summary>The in-process runner contract, used through <see cref="IFlowRunner"/> only.</summary>
public sealed class FlowRunnerTests
{
    [Fact]
    public async Task A_tick_runs_one_round_and_the_next_step_waits_for_the_next_tick()
    {
        await using var h = new EngineHarness();
        IFlowRunner runner = h.Engine;
        var id = await h.StartAsync("tasks: [{ key: a, task_type: t.count }, { key: b, task_type: t.count }, { key: c, task_type: t.count }]");

        var view = await runner.TickAsync(id);
        Assert.Equal(FlowState.Running, view.State);
        Assert.Equal([StepState.Completed, StepState.Pending, StepState.Pending], view.Steps.Select(s => s.State));
        Assert.Equal(1, view.Flow.Position);
        Assert.Equal(0, Executions.Of(id, "b"));

        view = await runner.TickAsync(id);
        Assert.Equal([StepState.Completed, StepState.Completed, StepState.Pending], view.Steps.Select(s => s.State));
        Assert.Equal(2, view.Flow.Position);

        view = await runner.TickAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(3, view.Flow.Position);
        Assert.Equal(1, Executions.Of(id, "a"));
        Assert.Equal(1, Executions.Of(id, "c"));
    }

    [Fact]
    public async Task Run_goes_on_until_the_flow_pauses_and_again_until_it_ends()
    {
        await using var h = new EngineHarness();
        IFlowRunner runner = h.Engine;
        var id = await h.StartAsync("tasks: [noop, { key: gate, task_type: wait, task_params: { reason: sign off } }, { key: after, task_type: t.count }]");

        var view = await runner.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);
        Assert.Equal("sign off", view.Flow.WaitReason);
        Assert.Equal(1, view.Flow.Position);

        Assert.Equal(CommandStatus.Accepted, (await h.Engine.PushAsync(id, JsonValue.Create("yes"))).Status);
        view = await runner.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("yes", view.Steps[1].Result!.GetValue<string>());
        Assert.Equal(1, Executions.Of(id, "after"));
    }

    [Fact]
    public async Task Run_with_timers_sleeps_until_a_durable_timer_fires()
    {
        await using var h = new EngineHarness();
        IFlowRunner runner = h.Engine;
        var id = await h.StartAsync("tasks: [{ key: nap, task_type: delay, task_params: { seconds: 60 } }, { key: after, task_type: t.count }]");
        Assert.Equal(FlowState.Waiting, (await runner.RunAsync(id)).State);

        h.Time.Advance(TimeSpan.FromSeconds(60));
        var view = await runner.RunAsync(id, waitForTimers: true);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, Executions.Of(id, "after"));
    }

    [Fact]
    public async Task Ticking_or_running_a_flow_that_does_not_exist_throws()
    {
        await using var h = new EngineHarness();
        IFlowRunner runner = h.Engine;
        await Assert.ThrowsAsync<KeyNotFoundException>(() => runner.TickAsync("no-such-flow"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => runner.RunAsync("no-such-flow"));
    }
}
