using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary>Spawn, kill, done, failures and retries, as the architecture defines them.</summary>
public abstract class OutcomeScenarios : ScenarioBase
{
    [Fact]
    public async Task Spawning_a_task_pauses_the_flow_spawned_and_the_detached_result_becomes_the_steps_result()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            tasks:
              - { key: hand_off, task_type: t.spawn, task_params: { task: test.Two, args: { colour: red } } }
              - { key: after, task_type: t.count }
            """);

        var view = await h.Engine.TickAsync(id);
        Assert.Equal(FlowState.Spawned, view.State);
        Assert.Equal(StepState.Waiting, view.Step("hand_off").State);
        Assert.Equal(0, Executions.Of(id, "after"));

        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        var result = view.Step("hand_off").Result!;
        Assert.Equal("test.Two", result["task"]!.GetValue<string>());
        Assert.Equal("red", result["params"]!["colour"]!.GetValue<string>());
        Assert.Empty(result["seen"]!.AsArray()); // detached: outside the parent's context
        Assert.Equal(1, Executions.Of(id, "after"));
    }

    [Fact]
    public async Task Each_commit_says_whether_the_state_changed_and_the_store_keeps_the_state_either_way()
    {
        // A store may leave the state column alone when a commit says it did not change (SQLite does, to
        // spare its index): the stored state must still be the flow's state after every commit.
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [noop, noop, { key: gate, task_type: wait }, noop, noop]");
        var seen = new List<(FlowState State, bool Changed, FlowState Stored)>();
        h.Engine.Committed += t =>
        {
            if (t.Flow.Id == id)
            {
                var stored = h.Store.GetFlowAsync(id, CancellationToken.None).AsTask().GetAwaiter().GetResult()!.State;
                lock (seen)
                {
                    seen.Add((t.Flow.State, t.StateChanged, stored));
                }
            }
        };

        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        Assert.Equal(CommandStatus.Accepted, (await h.Engine.PushAsync(id, JsonValue.Create(1))).Status);
        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);

        var previous = FlowState.Pending;
        foreach (var (state, changed, stored) in seen)
        {
            Assert.Equal(state, stored);
            Assert.Equal(state != previous, changed);
            previous = state;
        }

        Assert.Contains(seen, c => !c.Changed && c.State == FlowState.Running); // a step of a running flow
        Assert.Equal(
            [FlowState.Running, FlowState.Waiting, FlowState.Running, FlowState.Completed],
            seen.Where(c => c.Changed).Select(c => c.State));
    }

    [Fact]
    public async Task A_failing_spawned_task_is_the_steps_failure()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: hand_off, task_type: t.spawn, task_params: { task: fail, args: { error: "disk on fire" } } }
              - { key: after, task_type: t.count }
            """);

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal(StepState.Failed, view.Step("hand_off").State);
        Assert.Contains("disk on fire", view.Step("hand_off").Error);
        Assert.Contains("hand_off", view.Flow.Error);
        Assert.Equal(0, Executions.Of(view.Flow.Id, "after"));
    }

    [Fact]
    public async Task Spawning_a_routine_waits_for_the_child_flow_and_takes_its_result()
    {
        await using var h = await NewHarnessAsync();
        await h.Store.SaveRoutineAsync("child", """{"tasks":[{"key":"one","task_type":"test.One","task_params":{},"precursors":[]}]}""", null, h.Time.GetUtcNow(), default);
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: call, task_type: t.spawn, task_params: { routine: child, input: { n: 7 } } }
              - { key: after, task_type: test.Two }
            """);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(7, view.Step("call").Result!["input"]!["n"]!.GetValue<int>());
        var children = await h.Store.ListFlowsAsync(new FlowQuery { ParentFlowId = view.Flow.Id }, default);
        var child = Assert.Single(children.Items);
        Assert.Equal(FlowState.Completed, child.State);
        Assert.Equal("child", child.Routine);
    }

    [Fact]
    public async Task A_child_flows_failure_fails_the_spawning_step()
    {
        await using var h = await NewHarnessAsync();
        await h.Store.SaveRoutineAsync("broken", """{"tasks":[{"key":"x","task_type":"fail","task_params":{"error":"child broke"},"precursors":[]}]}""", null, h.Time.GetUtcNow(), default);
        var view = await h.StartAndRunAsync("tasks: [{ key: call, task_type: t.spawn, task_params: { routine: broken } }]");

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Contains("child broke", view.Step("call").Error);
    }

    [Fact]
    public async Task Spawning_a_routine_that_does_not_exist_fails_the_step_clearly()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("tasks: [{ key: call, task_type: t.spawn, task_params: { routine: missing } }]");

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Contains("routine 'missing' does not exist", view.Step("call").Error);
    }

    [Fact]
    public async Task Kill_ends_the_flow_killed_with_its_reason_and_later_steps_never_run()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: first, task_type: t.count }
              - { key: stop, task_type: kill, task_params: { reason: "Smoke signals preferred." } }
              - { key: later, task_type: t.count }
            """);

        Assert.Equal(FlowState.Killed, view.State);
        Assert.Equal("Smoke signals preferred.", view.Flow.Error);
        Assert.Equal(StepState.Completed, view.Step("stop").State);
        Assert.Equal(StepState.Skipped, view.Step("later").State);
        Assert.Equal(0, Executions.Of(view.Flow.Id, "later"));
    }

    [Fact]
    public async Task Done_completes_the_flow_early_with_its_value_and_skips_the_rest()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("""
            tasks:
              - { key: first, task_type: t.count }
              - { key: finish, task_type: done, task_params: { value: { answer: 42 } } }
              - { key: later, task_type: t.count }
              - { key: last, task_type: t.count }
            """);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(42, view.Flow.Result!["answer"]!.GetValue<int>());
        Assert.Equal(StepState.Skipped, view.Step("later").State);
        Assert.Equal(StepState.Skipped, view.Step("last").State);
        Assert.Equal(0, Executions.Of(view.Flow.Id, "later"));
    }

    [Fact]
    public async Task Exceptions_are_retried_with_backoff_then_succeed()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            tasks:
              - { key: flaky, task_type: t.flaky, task_params: { succeed_on: 3 }, retry: { attempts: 3, delay: 10, factor: 2 } }
              - { key: after, task_type: t.count }
            """);

        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Running, view.State);
        Assert.Equal(1, view.Step("flaky").Attempts);
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(10), view.Flow.NextRunAt);
        Assert.Contains("boom on attempt 1", view.Step("flaky").Error);

        h.Time.Advance(TimeSpan.FromSeconds(9));
        view = await h.RunAsync(id);
        Assert.Equal(1, view.Step("flaky").Attempts); // not due yet

        h.Time.Advance(TimeSpan.FromSeconds(1));
        view = await h.RunAsync(id);
        Assert.Equal(2, view.Step("flaky").Attempts);
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(20), view.Flow.NextRunAt);

        h.Time.Advance(TimeSpan.FromSeconds(20));
        view = await h.RunAsync(id);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(3, view.Step("flaky").Attempts);
        Assert.Equal(3, view.Step("flaky").Result!.GetValue<int>());
        Assert.Equal(2, (await h.HistoryAsync(id)).Count(e => e.Kind == HistoryKinds.StepRetry));
    }

    [Fact]
    public async Task A_step_that_keeps_failing_fails_the_flow_with_key_message_and_attempts()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            cfg: { retry: { attempts: 2, delay: 1 } }
            tasks:
              - { key: broken, task_type: t.flaky }
              - { key: after, task_type: t.count }
            """);
        await h.RunAsync(id);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Failed, view.State);
        var step = view.Step("broken");
        Assert.Equal(StepState.Failed, step.State);
        Assert.Equal(2, step.Attempts);
        Assert.Contains("InvalidOperationException: boom on attempt 2", step.Error);
        Assert.Contains("at ", step.ErrorDetail); // stack trace kept
        Assert.Contains("step 'broken' (t.flaky) failed after 2 attempt(s)", view.Flow.Error);
        Assert.Equal(StepState.Skipped, view.Step("after").State);
        Assert.Equal(0, Executions.Of(id, "after"));
    }

    [Fact]
    public async Task Input_that_comes_as_a_run_lets_go_is_taken_on_by_the_same_process()
    {
        // The run commits WAITING and lets go of the lease; before it has quite finished, a push makes the
        // flow due and this process's worker claims it. The flow must go on at once, not stay leased to this
        // process, unrun, until the lease runs out (the clock here never moves: it would stay forever).
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: gate, task_type: wait }, { key: after, task_type: t.count }]");
        var pushed = 0;
        h.Engine.Committed += t =>
        {
            if (t.Flow.Id != id || !t.Release || t.Flow.State != FlowState.Waiting || Interlocked.Exchange(ref pushed, 1) == 1)
            {
                return;
            }

            // Still inside the run that lets go: push, and hold the run here until the worker has claimed the flow.
            Assert.Equal(CommandStatus.Accepted, h.Engine.PushAsync(id, JsonValue.Create(7)).GetAwaiter().GetResult().Status);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (h.Store.GetFlowAsync(id, CancellationToken.None).AsTask().GetAwaiter().GetResult()!.LeaseOwner is null && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(2);
            }
        };

        using var stop = new CancellationTokenSource();
        var worker = new FlowWorker(h.Engine, new FlowWorkerOptions { Concurrency = 4 }).RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        FlowRecord? flow;
        while ((flow = await h.Store.GetFlowAsync(id, CancellationToken.None))!.State != FlowState.Completed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await worker;
        Assert.Equal(1, pushed);
        Assert.Equal(FlowState.Completed, flow.State);
        Assert.Equal(1, Executions.Of(id, "after"));
        Assert.Equal(7, (await h.Store.GetStepsAsync(id, CancellationToken.None)).Single(s => s.Key == "gate").Result!.GetValue<int>());
    }

    [Fact]
    public async Task A_flow_claimed_again_by_the_process_that_runs_it_is_not_run_twice()
    {
        // The lease ran out while the step ran (a late heartbeat on a busy machine), and the same process
        // claims the flow again: the claim only extends the lease; the step in flight is not started again.
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: hang, task_type: t.slow, task_params: { ms: 300 } }]");
        var first = h.RunAsync(id);
        while (Executions.Of(id, "hang") == 0)
        {
            await Task.Delay(5);
        }

        await h.Store.RenewLeasesAsync(h.Engine.Options.WorkerId, [id], h.Time.GetUtcNow().AddSeconds(-1), CancellationToken.None);
        var second = h.RunAsync(id);

        var views = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(views, v => Assert.Equal(FlowState.Completed, v.State));
        Assert.Equal(1, Executions.Of(id, "hang"));
        Assert.Equal(1, views[1].Step("hang").Attempts);
    }

    [Fact]
    public async Task A_step_that_hangs_is_cancelled_by_its_timeout_and_fails()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("tasks: [{ key: hang, task_type: t.slow, timeout: 5 }]");
        var running = h.RunAsync(id);
        while (Executions.Of(id, "hang") == 0)
        {
            await Task.Delay(5);
        }

        h.Time.Advance(TimeSpan.FromSeconds(5));
        var view = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Contains("timed out after 5 s", view.Step("hang").Error);
    }

    [Fact]
    public async Task A_missing_interpolation_path_is_a_clear_step_error_not_null()
    {
        await using var h = await NewHarnessAsync();
        var view = await h.StartAndRunAsync("tasks: [{ key: show, task_type: print, task_params: { msg: $input.nothing.here } }]", new JsonObject());

        Assert.Equal(FlowState.Failed, view.State);
        Assert.Equal(1, view.Step("show").Attempts);
        Assert.Contains("task_params.msg", view.Step("show").Error);
        Assert.Contains("$input.nothing.here", view.Step("show").Error);
    }
}
