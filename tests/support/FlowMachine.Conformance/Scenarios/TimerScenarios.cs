using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Durable timers under clock changes: they neither fire twice nor get lost.</summary>
public abstract class TimerScenarios : ScenarioBase
{
    [Fact]
    public async Task A_clock_set_back_and_forward_fires_a_timer_once_at_its_time()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: nap, task_type: delay, task_params: { seconds: 3600 } }, { key: after, task_type: t.count }]");
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);

        h.Time.SetBack(TimeSpan.FromHours(2)); // the clock is set back
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        h.Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(59));
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        Assert.Equal(0, Executions.Of(id, "after"));

        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);

        h.Time.Advance(TimeSpan.FromDays(10)); // a jump far ahead changes nothing that already fired
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, Executions.Of(id, "after"));
        Assert.Single(await h.HistoryAsync(id), e => e.Kind == FlowMachine.Engine.HistoryKinds.TimerFired);
    }

    [Fact]
    public async Task A_clock_that_jumps_past_several_timers_fires_each_once()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            tasks:
              - { key: one, task_type: delay, task_params: { seconds: 60 } }
              - { key: two, task_type: delay, task_params: { seconds: 60 } }
              - { key: after, task_type: t.count }
            """);
        await h.RunAsync(id);

        h.Time.Advance(TimeSpan.FromDays(1));
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State); // the second delay starts when the first fires: a day later

        h.Time.Advance(TimeSpan.FromMinutes(1));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, Executions.Of(id, "after"));
        Assert.Equal(2, (await h.HistoryAsync(id)).Count(e => e.Kind == FlowMachine.Engine.HistoryKinds.TimerFired));
    }
}
