using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.Engine;

/// <summary>The change feed, used through <see cref="IFlowChangeFeed"/> only.</summary>
public sealed class FlowChangeFeedTests
{
    [Fact]
    public async Task Each_commit_reports_the_flow_its_state_position_and_the_steps_it_changed()
    {
        await using var h = new EngineHarness();
        IFlowChangeFeed feed = h.Engine;
        var changes = new List<FlowChange>();
        using var subscription = feed.Subscribe(c => { lock (changes) { changes.Add(c); } });
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }, { key: gate, task_type: wait, task_params: { reason: sign off } }]");

        await h.RunAsync(id);

        Assert.NotEmpty(changes);
        Assert.All(changes, c => Assert.Equal(id, c.FlowId));
        Assert.Equal(h.Transitions.Count, changes.Count); // one change per commit
        var first = changes[0];
        Assert.Equal(FlowState.Running, first.State);
        Assert.True(first.Kinds.HasFlag(FlowChangeKinds.State)); // PENDING -> RUNNING
        Assert.Equal("a", Assert.Single(first.Steps).Key);
        Assert.Equal(StepState.Running, first.Steps[0].State);

        var last = changes[^1];
        Assert.Equal(FlowState.Waiting, last.State);
        Assert.Equal(2, last.Position);
        Assert.Equal("sign off", last.Reason);
        Assert.Equal(FlowChangeKinds.Steps | FlowChangeKinds.State | FlowChangeKinds.Released, last.Kinds);
        Assert.Equal(StepState.Waiting, Assert.Single(last.Steps, s => s.Key == "gate").State);
        Assert.Equal(2, changes.Sum(c => c.StepsFinished)); // a and b
        Assert.Equal(["a", "b", "gate"], changes.SelectMany(c => c.Steps).Where(s => s.State != StepState.Pending).Select(s => s.Key).Distinct());
    }

    [Fact]
    public async Task The_commit_that_ends_a_flow_says_so_with_its_name_and_error()
    {
        await using var h = new EngineHarness();
        var changes = new List<FlowChange>();
        using var subscription = ((IFlowChangeFeed)h.Engine).Subscribe(c => { lock (changes) { changes.Add(c); } });
        var started = await h.Engine.StartAsync(new StartFlowRequest { SpecText = "tasks: [{ key: boom, task_type: fail, task_params: { error: no luck } }]", Label = "nightly" });

        await h.RunAsync(started.Flow.Id);

        var ended = Assert.Single(changes, c => c.Kinds.HasFlag(FlowChangeKinds.Ended));
        Assert.Equal(changes[^1], ended);
        Assert.Equal(FlowState.Failed, ended.State);
        Assert.Equal("nightly", ended.Name);
        Assert.Contains("no luck", ended.Reason, StringComparison.Ordinal);
        Assert.Equal(1, ended.StepsFinished);
        Assert.Equal(StepState.Failed, Assert.Single(ended.Steps).State);
    }

    [Fact]
    public async Task After_a_push_the_last_change_reports_the_end_and_its_position()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: gate, task_type: wait }, { key: done, task_type: done, task_params: { value: 7 } }]");
        await h.RunAsync(id);
        var changes = new List<FlowChange>();
        using (((IFlowChangeFeed)h.Engine).Subscribe(c => { lock (changes) { changes.Add(c); } }))
        {
            await h.Engine.PushAsync(id, JsonValue.Create(1));
            await h.RunAsync(id);
        }

        Assert.Equal(FlowState.Completed, changes[^1].State);
        Assert.True(changes[^1].Kinds.HasFlag(FlowChangeKinds.Ended));
        Assert.Null(changes[^1].Reason);
        Assert.Equal(2, changes[^1].Position);
        Assert.Equal(2, changes.Sum(c => c.StepsFinished));
    }

    [Fact]
    public async Task A_spawn_reports_the_children_it_started_and_each_child_its_own_changes()
    {
        await using var h = new EngineHarness();
        var changes = new List<FlowChange>();
        using var subscription = ((IFlowChangeFeed)h.Engine).Subscribe(c => { lock (changes) { changes.Add(c); } });
        var id = await h.StartAsync("tasks: [{ key: kids, task_type: t.spawn, task_params: { task: t.count } }]");

        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);

        var spawned = Assert.Single(changes, c => c.Kinds.HasFlag(FlowChangeKinds.Children));
        Assert.Equal(id, spawned.FlowId);
        Assert.Equal(FlowState.Spawned, spawned.State);
        var child = Assert.Single(changes.Select(c => c.FlowId).Distinct(), f => f != id);
        Assert.Contains(changes, c => c.FlowId == child && c.Kinds.HasFlag(FlowChangeKinds.Ended) && c.State == FlowState.Completed);
    }

    [Fact]
    public async Task A_disposed_subscription_hears_nothing_more_and_others_still_hear()
    {
        await using var h = new EngineHarness();
        IFlowChangeFeed feed = h.Engine;
        var gone = 0;
        var kept = 0;
        var subscription = feed.Subscribe(_ => Interlocked.Increment(ref gone));
        using var other = feed.Subscribe(_ => Interlocked.Increment(ref kept));
        await h.StartAndRunAsync("tasks: [noop]");
        var heard = Volatile.Read(ref gone);
        Assert.True(heard > 0);
        Assert.Equal(heard, Volatile.Read(ref kept));

        subscription.Dispose();
        subscription.Dispose(); // twice is harmless
        await h.StartAndRunAsync("tasks: [noop]");

        Assert.Equal(heard, Volatile.Read(ref gone));
        Assert.Equal(2 * heard, Volatile.Read(ref kept));
    }

    [Fact]
    public void Subscribing_needs_an_observer()
    {
        var engine = new FlowEngine(new FlowMachine.Storage.InMemory.InMemoryFlowStore(), new FlowMachine.Registry.TaskRegistry());
        Assert.Throws<ArgumentNullException>(() => ((IFlowChangeFeed)engine).Subscribe(null!));
    }
}
