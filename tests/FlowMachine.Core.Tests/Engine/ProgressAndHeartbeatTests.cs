using System.Collections.Concurrent;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.Engine;

/// <summary>Progress reports (stored at most once a second, the last one kept) and heartbeat_timeout (a silent task is cancelled and retried).</summary>
public sealed class ProgressAndHeartbeatTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Progress_is_stored_at_most_once_a_second_and_the_last_report_is_kept()
    {
        await using var h = new EngineHarness();
        var gate = new Steps();
        h.Registry.Register("t.progress", () => new LambdaTask(async (context, ct) =>
        {
            await context.ReportProgressAsync(new { Done = 1, Total = 4 }, ct);
            await context.ReportProgressAsync(new { Done = 2, Total = 4 }, ct); // within the second: held back
            await gate.ReachAsync(1);
            await context.ReportProgressAsync(new { Done = 3, Total = 4 }, ct);
            await gate.ReachAsync(2);
            await context.ReportProgressAsync(new { Done = 4, Total = 4 }, ct); // the last word, before the step ends
            return Outcome.Result("done");
        }));
        var changes = new ConcurrentQueue<FlowChange>();
        using var feed = h.Engine.Subscribe(changes.Enqueue);
        var id = await h.StartAsync("tasks: [{ key: work, task_type: t.progress }]");
        var run = h.RunAsync(id);

        await gate.ArrivedAsync(1);
        await UntilAsync(async () => (await ProgressOf(h, id)) == """{"done":1,"total":4}""");
        var firstAt = (await h.Store.GetStepsAsync(id, default))[0].ProgressAt;
        Assert.Equal(h.Time.GetUtcNow(), firstAt);

        // Within the second the held back report stays unwritten; when the second is up the latest one is stored.
        gate.Release(1);
        await gate.ArrivedAsync(2);
        Assert.Equal("""{"done":1,"total":4}""", await ProgressOf(h, id));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await UntilAsync(async () => (await ProgressOf(h, id)) == """{"done":3,"total":4}""");

        gate.Release(2);
        var view = await run;
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal("""{"done":4,"total":4}""", view.Step("work").Progress!.ToJsonString());
        Assert.Equal("""{"done":4,"total":4}""", StepDocument.Of(view.Step("work")).Progress!.ToJsonString());
        Assert.Contains(changes, c => c.FlowId == id && c.Kinds == FlowChangeKinds.Progress && c.State == FlowState.Running && c.Steps.Count == 0);
    }

    [Fact]
    public async Task A_task_that_stops_heartbeating_is_cancelled_and_retried()
    {
        await using var h = new EngineHarness();
        var gate = new Steps();
        h.Registry.Register("t.silent", () => new LambdaTask(async (context, ct) =>
        {
            if (context.Attempt > 1)
            {
                return Outcome.Result("second wind");
            }

            await context.HeartbeatAsync(ct);
            gate.Arrive(1);
            await Task.Delay(Timeout.Infinite, ct); // stuck: no more heartbeats
            return Outcome.Result("never");
        }));
        var id = await h.StartAsync("tasks: [{ key: x, task_type: t.silent, heartbeat_timeout: 30s, retry: { attempts: 2, delay: 0 } }]");
        var run = h.RunAsync(id);

        await gate.ArrivedAsync(1);
        h.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(run.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        var view = await run.WaitAsync(Patience);

        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(2, view.Step("x").Attempts);
        Assert.Equal("second wind", view.Step("x").Result!.GetValue<string>());
        var failed = Assert.Single(await h.HistoryAsync(id), e => e.Kind == HistoryKinds.StepRetry);
        Assert.Equal("step 'x' sent no heartbeat for 30s (heartbeat_timeout)", failed.Detail!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_task_that_keeps_heartbeating_runs_past_the_timeout()
    {
        await using var h = new EngineHarness();
        var gate = new Steps();
        h.Registry.Register("t.beating", () => new LambdaTask(async (context, ct) =>
        {
            for (var beat = 1; beat <= 3; beat++)
            {
                await gate.ReachAsync(beat);
                if (beat % 2 == 1)
                {
                    await context.HeartbeatAsync(ct);
                }
                else
                {
                    await context.ReportProgressAsync(new { beat }, ct); // progress counts as a heartbeat too
                }
            }

            return Outcome.Result(context.Attempt);
        }));
        var id = await h.StartAsync("cfg: { heartbeat_timeout: 500ms }\ntasks: [{ key: x, task_type: t.beating }]");
        var run = h.RunAsync(id);

        for (var beat = 1; beat <= 3; beat++)
        {
            await gate.ArrivedAsync(beat);
            h.Time.Advance(TimeSpan.FromMilliseconds(400)); // 1.2 s in all, never 500 ms without a heartbeat
            gate.Release(beat);
        }

        var view = await run.WaitAsync(Patience);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, view.Step("x").Attempts);
        Assert.Equal(1, view.Step("x").Result!.GetValue<int>());
    }

    [Fact]
    public async Task Steps_without_heartbeat_timeout_are_never_cancelled_for_silence()
    {
        await using var h = new EngineHarness();
        var gate = new Steps();
        h.Registry.Register("t.quiet", () => new LambdaTask(async (context, ct) =>
        {
            await gate.ReachAsync(1);
            return Outcome.Result("fine");
        }));
        var id = await h.StartAsync("tasks: [{ key: x, task_type: t.quiet }]");
        var run = h.RunAsync(id);

        await gate.ArrivedAsync(1);
        h.Time.Advance(TimeSpan.FromHours(1));
        gate.Release(1);
        var view = await run.WaitAsync(Patience);
        Assert.Equal(FlowState.Completed, view.State);
        Assert.Equal(1, view.Step("x").Attempts);
        Assert.Null(view.Step("x").Progress);
    }

    private static async Task<string?> ProgressOf(EngineHarness h, string id) =>
        (await h.Store.GetStepsAsync(id, default))[0].Progress?.ToJsonString();

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in time");
            await Task.Delay(10);
        }
    }

    private sealed class LambdaTask(Func<TaskContext, CancellationToken, Task<Outcome>> perform) : IFlowTask
    {
        public async ValueTask<Outcome> PerformAsync(TaskContext context, CancellationToken cancellationToken) => await perform(context, cancellationToken);
    }

    /// <summary>Numbered meeting points between a test and its task: the task arrives and waits to be released.</summary>
    private sealed class Steps
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource> arrived = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource> released = new();

        public void Arrive(int n) => Of(arrived, n).TrySetResult();

        public async Task ReachAsync(int n)
        {
            Arrive(n);
            await Of(released, n).Task.WaitAsync(Patience);
        }

        public Task ArrivedAsync(int n) => Of(arrived, n).Task.WaitAsync(Patience);

        public void Release(int n) => Of(released, n).TrySetResult();

        private static TaskCompletionSource Of(ConcurrentDictionary<int, TaskCompletionSource> points, int n) =>
            points.GetOrAdd(n, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
