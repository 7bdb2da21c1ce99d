using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.FlowControl;

/// <summary>schedule_to_start: a ready step that is not started in time fails for good, also on a queue no worker serves.</summary>
public sealed class ScheduleToStartTests
{
    private static SlotRequest Held(string key, DateTimeOffset now) => new(key, 1, "elsewhere", "s", "other-worker", now, now.AddHours(1));

    [Fact]
    public async Task A_step_started_in_time_runs()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop, schedule_to_start: 30s }, { key: b, task_type: noop, schedule_to_start: 30s }]");
        h.Time.Advance(TimeSpan.FromSeconds(29));
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.All(view.Steps, s => Assert.Equal(1, s.Attempts));
    }

    [Fact]
    public async Task A_step_not_started_in_time_fails_for_good_with_the_reason()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop, schedule_to_start: 30s, retry: { attempts: 5 } }, { key: b, task_type: noop }]");
        h.Time.Advance(TimeSpan.FromSeconds(31));
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Failed, view.State);
        var a = view.Step("a");
        Assert.Equal(StepState.Failed, a.State);
        Assert.Equal("step 'a' was not started within 30s (schedule_to_start)", a.Error);
        Assert.Equal(0, a.Attempts); // never started, and not retried: no capacity is not helped by another wait
        Assert.Contains("was not started within 30s (schedule_to_start)", view.Flow.Error, StringComparison.Ordinal);
        Assert.Equal(StepState.Skipped, view.Step("b").State);
        Assert.DoesNotContain(await h.HistoryAsync(id), e => e.Kind == HistoryKinds.StepStarted);
    }

    [Fact]
    public async Task The_wait_counts_from_when_the_step_became_ready()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: wait, task_type: delay, task_params: { seconds: 120 } }, { key: b, task_type: noop, schedule_to_start: 30s }]");
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Waiting, view.State);

        // The delay ends two minutes after the flow started: b is ready from then, not from the flow's start.
        h.Time.Advance(TimeSpan.FromSeconds(125));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, view.Step("b").Attempts);
    }

    [Fact]
    public async Task The_cfg_default_applies_to_steps_that_give_none_and_a_step_overrides_it()
    {
        await using var h = new EngineHarness();
        var late = await h.StartAsync("cfg: { schedule_to_start: 10s }\ntasks: [{ key: a, task_type: noop }]");
        var overridden = await h.StartAsync("cfg: { schedule_to_start: 10s }\ntasks: [{ key: a, task_type: noop, schedule_to_start: 1m }]");
        h.Time.Advance(TimeSpan.FromSeconds(20));

        var view = await h.RunAsync(late);
        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal("step 'a' was not started within 10s (schedule_to_start)", view.Step("a").Error);
        Assert.Equal(FlowState.Completed, (await h.RunAsync(overridden)).State);
    }

    [Fact]
    public async Task A_step_held_back_for_a_slot_fails_when_its_time_to_start_runs_out()
    {
        await using var h = new EngineHarness();
        var start = h.Time.GetUtcNow();
        Assert.True(await h.Store.AcquireSlotAsync(Held("busy", start), default));
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop, schedule_to_start: 10s, concurrency: { key: \"$input.k\", limit: 1 } }]", new System.Text.Json.Nodes.JsonObject { ["k"] = "x" });
        await h.Store.AcquireSlotAsync(Held("k:x", start), default);

        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Running, view.State);
        Assert.StartsWith("waiting for a concurrency slot", view.Flow.WaitReason, StringComparison.Ordinal);
        Assert.Equal(start.AddSeconds(10), view.Flow.NextRunAt); // due when its time runs out, before the slot fallback

        h.Time.Advance(TimeSpan.FromSeconds(10));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal("step 'a' was not started within 10s (schedule_to_start)", view.Step("a").Error);
    }

    [Fact]
    public async Task A_step_on_a_queue_no_worker_serves_fails_after_its_schedule_to_start()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop, queue: gpu, schedule_to_start: 30s }, { key: c, task_type: noop }]");
        var view = await h.RunAsync(id);
        var ready = view.Step("a").FinishedAt!.Value;

        // Let go for the gpu pool, which has no worker: nobody here claims it.
        Assert.Equal(FlowState.Running, view.State);
        Assert.Equal("gpu/noop", view.Flow.Route);
        Assert.Equal(ready.AddSeconds(30), view.Flow.RouteDeadline);
        Assert.Empty(await h.Store.ClaimDueAsync("cpu", 10, h.Engine.Routes, h.Time.GetUtcNow(), TimeSpan.FromSeconds(30), default));

        // The workers' heartbeat lets go of the route once the deadline passed; then any worker fails the step.
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await h.Store.ReleaseOverdueRoutesAsync(h.Time.GetUtcNow(), default));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await h.Store.ReleaseOverdueRoutesAsync(h.Time.GetUtcNow(), default));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal("step 'b' was not started within 30s (schedule_to_start)", view.Step("b").Error);
        Assert.Equal(StepState.Completed, view.Step("a").State);
        Assert.Null(view.Flow.Route);
    }

    [Fact]
    public async Task A_retried_flow_gives_its_revived_steps_a_new_time_to_start()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop, schedule_to_start: 10s }]");
        h.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(FlowState.Failed, (await h.RunAsync(id)).State);

        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.Engine.RetryAsync(id, "alice", default);
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
    }

    [Fact]
    public async Task A_resumed_flow_gives_its_ready_steps_a_new_time_to_start()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop, schedule_to_start: 10s }]");
        Assert.Equal(HoldStatus.Changed, (await h.Store.SetFlowSuspendedAsync(id, true, "ops", h.Time.GetUtcNow(), default)).Status);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HoldStatus.Changed, (await h.Store.SetFlowSuspendedAsync(id, false, "ops", h.Time.GetUtcNow(), default)).Status);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, view.Step("a").Attempts);
    }
}
