using FlowMachine.Engine;
using FlowMachine.Specs;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Conformance.Scenarios;

/// <summary><c>cfg.deadline</c>: past it a flow fails with "deadline exceeded", running steps cancelled, waits ended.</summary>
public abstract class DeadlineScenarios : ScenarioBase
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_running_step_is_cancelled_at_the_deadline_and_the_flow_fails()
    {
        await using var h = await NewHarnessAsync();
        var start = h.Time.GetUtcNow();
        var id = await h.StartAsync("""
            cfg: { deadline: 30s }
            tasks: [{ key: slow, task_type: t.gate }, { key: after, task_type: t.count }]
            """);
        Assert.Equal(start.AddSeconds(30), (await h.Store.GetFlowAsync(id, default))!.Deadline);
        var run = h.RunAsync(id);
        await GateTask.EnteredAsync(id).WaitAsync(Wait);

        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(GateTask.CancelledAsync(id).IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var view = await run.WaitAsync(Wait);
        await GateTask.CancelledAsync(id).WaitAsync(Wait); // the task's token was cancelled

        Assert.Equal((FlowState.Failed, "deadline exceeded"), (view.State, view.Flow.Error));
        Assert.Null(view.Flow.NextRunAt);
        Assert.Equal((StepState.Skipped, "skipped: the flow failed: deadline exceeded"), (view.Step("slow").State, view.Step("slow").Error));
        Assert.Equal(StepState.Skipped, view.Step("after").State);
        Assert.Equal(0, Executions.Of(id, "after"));
        var failed = Assert.Single(await h.HistoryAsync(id), e => e.Kind == HistoryKinds.FlowFailed);
        Assert.Equal("deadline exceeded", failed.Detail?["error"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_flow_waiting_for_a_push_is_due_at_its_deadline_and_fails_then()
    {
        await using var h = await NewHarnessAsync();
        var start = h.Time.GetUtcNow();
        var id = await h.StartAsync("""
            cfg: { deadline: 5m }
            tasks: [{ key: approve, task_type: wait }, { key: after, task_type: t.count }]
            """);
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        Assert.Equal(start.AddMinutes(5), (await h.Store.GetFlowAsync(id, default))!.NextRunAt); // a worker claims it then

        h.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(await h.Store.ClaimDueAsync("probe", 10, null, h.Time.GetUtcNow(), TimeSpan.FromSeconds(30), default));
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var view = await h.RunAsync(id);
        Assert.Equal((FlowState.Failed, "deadline exceeded"), (view.State, view.Flow.Error));
        Assert.Equal((StepState.Skipped, "skipped: the flow failed: deadline exceeded"), (view.Step("approve").State, view.Step("approve").Error));
        Assert.Null(view.Step("approve").ResumeToken);
        Assert.Equal(CommandStatus.Conflict, (await h.Engine.PushAsync(id, "late")).Status);
    }

    [Fact]
    public async Task A_flow_that_finishes_before_its_deadline_is_not_touched_by_it()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            cfg: { deadline: 1m }
            tasks: [{ key: nap, task_type: delay, task_params: { seconds: 30 } }, { key: after, task_type: t.count }]
            """);
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        h.Time.Advance(TimeSpan.FromSeconds(30)); // the timer is due before the deadline
        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var view = await h.RunAsync(id);
        Assert.Equal((FlowState.Completed, (string?)null), (view.State, view.Flow.Error));
        Assert.Equal(1, Executions.Of(id, "after"));
        Assert.DoesNotContain(await h.HistoryAsync(id), e => e.Kind == HistoryKinds.FlowFailed);
    }

    [Fact]
    public async Task A_parent_failed_by_its_deadline_cancels_its_children_that_have_none()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("""
            cfg: { deadline: 1m }
            tasks:
              - { key: sub, task_type: flow, task_params: { spec: { tasks: [{ key: hold, task_type: wait }] } } }
            """);
        var view = await h.RunAsync(id);
        Assert.Equal(FlowState.Spawned, view.State);
        var childId = view.Step("sub").Spawn!["children"]![0]!.GetValue<string>();
        Assert.Null((await h.Store.GetFlowAsync(childId, default))!.Deadline); // the parent's deadline is not the child's

        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((FlowState.Failed, "deadline exceeded"), ((await h.RunAsync(id)).State, (await h.Store.GetFlowAsync(id, default))!.Error));
        var child = await h.RunAsync(childId);
        Assert.Equal(FlowState.Cancelled, child.State); // as for any parent that ends
    }

    [Fact]
    public async Task A_retry_of_a_flow_failed_by_its_deadline_counts_a_new_deadline_from_the_retry()
    {
        await using var h = await NewHarnessAsync();
        var id = await h.StartAsync("cfg: { deadline: 90 }\ntasks: [{ key: approve, task_type: wait }]");
        await h.RunAsync(id);
        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(FlowState.Failed, (await h.RunAsync(id)).State);

        h.Time.Advance(TimeSpan.FromHours(1));
        var retried = h.Time.GetUtcNow();
        Assert.Equal(CommandStatus.Accepted, (await h.Engine.RetryAsync(id)).Status);
        var view = await h.RunAsync(id);
        Assert.Equal((FlowState.Waiting, (DateTimeOffset?)retried.AddSeconds(90)), (view.State, view.Flow.Deadline));
        Assert.Equal(retried.AddSeconds(90), view.Flow.NextRunAt);

        h.Time.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal((FlowState.Failed, "deadline exceeded"), ((await h.RunAsync(id)).State, (await h.Store.GetFlowAsync(id, default))!.Error));
    }

    [Fact]
    public async Task A_deadline_is_a_duration_and_anything_else_is_a_spec_error_naming_cfg_deadline()
    {
        await using var h = await NewHarnessAsync();
        foreach (var (text, seconds) in new[] { ("30s", 30.0), ("5m", 300), ("2h", 7200), ("500ms", 0.5), ("45", 45) })
        {
            var spec = SpecCompiler.Compile($"cfg: {{ deadline: {text} }}\ntasks: [noop]", h.Registry).GetOrThrow();
            Assert.Equal(seconds, spec.Cfg.DeadlineSeconds);
        }

        foreach (var bad in new[] { "soon", "0", "-5s", "'[1]'" })
        {
            var error = await Assert.ThrowsAsync<SpecException>(() => h.StartAsync($"cfg: {{ deadline: {bad} }}\ntasks: [noop]"));
            Assert.Contains(error.Errors, e => e.Path == "cfg.deadline" && e.Message.Contains("'deadline' must be a duration", StringComparison.Ordinal));
        }

        Assert.Null((await h.Store.GetFlowAsync(await h.StartAsync("tasks: [noop]"), default))!.Deadline);
    }
}
