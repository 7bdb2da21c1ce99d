using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.FlowControl;

/// <summary>The engine's side of concurrency and rate limits, on the in-memory store and a fake clock.</summary>
public sealed class FlowControlEngineTests
{
    private const string PerCustomer = "tasks: [{ key: call, task_type: t.count, concurrency: { key: \"$input.customer\", limit: 1 } }]";

    private static SlotRequest Held(string key, DateTimeOffset now) => new(key, 1, "elsewhere", "s", "other-worker", now, now.AddHours(1));

    [Fact]
    public async Task A_step_without_a_free_slot_waits_with_its_reason_and_runs_once_the_slot_frees()
    {
        await using var h = new EngineHarness();
        var now = h.Time.GetUtcNow();
        Assert.True(await h.Store.AcquireSlotAsync(Held("customer:42", now), default));

        var id = await h.StartAsync(PerCustomer, new JsonObject { ["customer"] = 42 });
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Running, view.State);
        Assert.Equal("waiting for a concurrency slot: key 'customer:42', limit 1", view.Flow.WaitReason);
        Assert.Equal(StepState.Pending, view.Steps[0].State);
        Assert.Equal(0, view.Steps[0].Attempts);
        Assert.Equal(view.Flow.WaitReason, view.Steps[0].WaitReason);
        Assert.Equal(now.AddSeconds(30), view.Flow.NextRunAt); // the fallback, should the wake be lost
        Assert.Null(view.Flow.LeaseOwner); // no worker holds it while it waits
        Assert.Equal(0, Executions.Of(id, "call"));
        // The slot is asked for while the start is committed: the start that was refused is followed by why it went back.
        var history = await h.HistoryAsync(id);
        var held = Assert.Single(history, e => e.Kind == HistoryKinds.StepHeld);
        Assert.Equal("call", held.StepKey);
        Assert.Equal(view.Flow.WaitReason, (string?)held.Detail!["reason"]);
        Assert.True(history.Single(e => e.Kind == HistoryKinds.StepStarted).Seq < held.Seq);

        // Another customer is not held up.
        var other = await h.StartAndRunAsync(PerCustomer, new JsonObject { ["customer"] = 7 });
        Assert.Equal(FlowState.Completed, other.State);

        // The slot frees: the waiter is due at once and runs; its own slot is released with its result.
        h.Time.Advance(TimeSpan.FromSeconds(2));
        await h.Store.ReleaseSlotsAsync("elsewhere", [new LimitSlot("customer:42", "s")], h.Time.GetUtcNow(), default);
        Assert.Equal(h.Time.GetUtcNow(), (await h.Store.GetFlowAsync(id, default))!.NextRunAt);
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Null(view.Flow.WaitReason);
        Assert.Null(view.Steps[0].WaitReason);
        Assert.Equal(1, view.Steps[0].Attempts);
        Assert.Equal(0, await h.Store.CountSlotsAsync("customer:42", h.Time.GetUtcNow(), default));
    }

    [Fact]
    public async Task A_held_back_step_is_committed_as_waiting_while_its_sibling_still_runs()
    {
        await using var h = new EngineHarness();
        Assert.True(await h.Store.AcquireSlotAsync(Held("customer:42", h.Time.GetUtcNow()), default));
        var id = await h.StartAsync(
            "tasks: [{ key: a, task_type: t.gate, precursors: [] }, { key: b, task_type: t.count, precursors: [], concurrency: { key: \"$input.customer\", limit: 1 } }]",
            new JsonObject { ["customer"] = 42 });
        var run = h.RunAsync(id);
        await GateTask.EnteredAsync(id).WaitAsync(TimeSpan.FromSeconds(10));

        // Step a still runs; b's wait is in the store already.
        var until = DateTime.UtcNow.AddSeconds(10);
        StepRecord b;
        while ((b = (await h.Store.GetStepsAsync(id, default))[1]).State != StepState.Pending)
        {
            Assert.True(DateTime.UtcNow < until, "b was not committed as held back while a ran");
            await Task.Delay(10);
        }

        Assert.Equal("waiting for a concurrency slot: key 'customer:42', limit 1", b.WaitReason);
        Assert.Equal(0, b.Attempts);
        GateTask.Open(id);
        var view = await run;
        Assert.Equal([StepState.Completed, StepState.Pending], view.Steps.Select(s => s.State));
        Assert.Equal(b.WaitReason, view.Flow.WaitReason);
    }

    [Fact]
    public async Task A_per_type_limit_from_the_options_holds_every_step_of_the_type()
    {
        await using var h = new EngineHarness();
        h.Engine.Options.TaskLimits["t.count"] = new TaskLimits { MaxConcurrency = 1 };
        var now = h.Time.GetUtcNow();
        Assert.True(await h.Store.AcquireSlotAsync(Held("type:t.count", now), default));

        var view = await h.StartAndRunAsync("tasks: [noop, t.count]");
        Assert.Equal("waiting for a concurrency slot: key 'type:t.count', limit 1", view.Flow.WaitReason);
        Assert.Equal([StepState.Completed, StepState.Pending], view.Steps.Select(s => s.State));
    }

    [Fact]
    public async Task A_step_over_its_rate_waits_until_a_token_comes_back()
    {
        await using var h = new EngineHarness();
        const string spec = "tasks: [{ key: call, task_type: t.count, rate: { limit: 2, per: 10s, key: \"$input.tenant\" } }]";
        var input = new JsonObject { ["tenant"] = "acme" };
        var start = h.Time.GetUtcNow();
        Assert.Equal(FlowState.Completed, (await h.StartAndRunAsync(spec, input)).State);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(FlowState.Completed, (await h.StartAndRunAsync(spec, input)).State);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        var id = await h.StartAsync(spec, input);
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Running, view.State);
        Assert.Equal("waiting for a rate token: key 'tenant:acme', 2 per 10s", view.Flow.WaitReason);
        Assert.Equal(start.AddSeconds(10), view.Flow.NextRunAt); // exactly when the first token comes back

        h.Time.Advance(TimeSpan.FromSeconds(8));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
    }

    [Fact]
    public async Task A_limit_key_that_cannot_be_read_fails_the_step_naming_the_path()
    {
        await using var h = new EngineHarness();
        var view = await h.StartAndRunAsync(PerCustomer, new JsonObject { ["other"] = 1 });
        Assert.Equal(FlowState.Failed, view.State);
        Assert.Contains("$input.customer", view.Steps[0].Error, StringComparison.Ordinal);
        Assert.Equal(0, Executions.Of(view.Flow.Id, "call"));
    }

    [Fact]
    public async Task Steps_without_limits_never_ask_the_store()
    {
        await using var h = new EngineHarness();
        var view = await h.StartAndRunAsync("tasks: [noop, t.count]");
        Assert.Equal(FlowState.Completed, view.State);
        Assert.All(h.Transitions, t => Assert.Empty(t.ReleasedSlots));
    }
}
