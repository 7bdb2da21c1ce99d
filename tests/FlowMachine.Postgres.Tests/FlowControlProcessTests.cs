using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.TestHost;
using Xunit.Abstractions;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// Concurrency and rate limits across four worker processes on one database, measured by the task itself
/// (<see cref="SpanLog"/>: when each execution started and ended, on the clock the processes share).
/// </summary>
public sealed class FlowControlProcessTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string spans = Directory.CreateTempSubdirectory("fm-spans-").FullName;

    [PostgresFact]
    public async Task A_concurrency_limit_of_two_on_a_key_holds_across_four_processes_and_other_keys_go_on()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        const string spec = "tasks: [{ key: call, task_type: record.Span, task_params: { ms: 150 }, concurrency: { key: \"$input.customer\", limit: 2 } }]";
        var busy = await StartAsync(run, spec, 24, "busy");
        var other = await StartAsync(run, spec, 6, "other");
        await RunWorkersAsync(run, 4, [.. busy, .. other]);

        var all = SpanLog.Read(spans);
        var busySpans = all.Where(s => busy.Contains(s.Flow)).ToList();
        var otherSpans = all.Where(s => other.Contains(s.Flow)).ToList();
        output.WriteLine($"most at once: busy {SpanLog.MaxOverlap(busySpans)}, other {SpanLog.MaxOverlap(otherSpans)}");
        Assert.Equal(24, busySpans.Count);
        Assert.Equal(2, SpanLog.MaxOverlap(busySpans)); // reached, never passed
        Assert.Equal(2, SpanLog.MaxOverlap(otherSpans));

        // Fair between keys: the small customer is not queued behind the busy one.
        Assert.True(otherSpans.Max(s => s.End) < busySpans.Max(s => s.End), "the other customer's flows waited for the busy customer's");
    }

    [PostgresFact]
    public async Task A_limit_on_a_task_type_holds_across_four_processes()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        var ids = await StartAsync(run, "tasks: [{ key: call, task_type: record.Limited, task_params: { ms: 100 } }]", 24, "any");
        await RunWorkersAsync(run, 4, ids);

        var all = SpanLog.Read(spans);
        output.WriteLine($"most at once: {SpanLog.MaxOverlap(all)}");
        Assert.Equal(24, all.Count);
        Assert.Equal(2, SpanLog.MaxOverlap(all));
    }

    [PostgresFact]
    public async Task A_rate_limit_of_ten_per_second_across_four_processes_starts_at_most_ten_in_any_second()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        const string spec = "tasks: [{ key: call, task_type: record.Span, rate: { limit: 10, per: 1s, key: \"$input.customer\" } }]";
        const string warm = "tasks: [{ key: call, task_type: record.Span, rate: { limit: 1000, per: 1s, key: \"$input.customer\" } }]";
        List<string> ids = [];
        var elapsed = await RunWorkersAsync(run, 4, async () =>
        {
            // Warm the workers up first (the first steps of a fresh process start late), then the limited flows.
            await WaitForAsync(run, await StartAsync(run, warm, 32, "warm"), TimeSpan.FromSeconds(60));
            return ids = await StartAsync(run, spec, 40, "tenant");
        });

        // When each step took its token (the step's start in the store): never more than 10 in any second.
        var started = new List<(string Flow, DateTime At)>();
        foreach (var id in ids)
        {
            started.Add((id, (await run.Store.GetStepsAsync(id, default))[0].StartedAt!.Value.UtcDateTime));
        }

        var measured = SpanLog.Read(spans).Where(s => ids.Contains(s.Flow)).ToList();
        Assert.Equal(40, measured.Count);
        // (A loaded machine may not fit ten into one second at all; it must never fit more.)
        Assert.InRange(SpanLog.MaxStartsIn(started.Select(s => s.At), TimeSpan.FromSeconds(1)), 1, 10);

        // As the task measured its starts: each is later than its token by the time the worker took to call it,
        // so the window shrinks by the largest such delay; within it, still never more than 10.
        var tokenAt = started.ToDictionary(s => s.Flow, s => s.At);
        var delay = measured.Max(s => s.Start - tokenAt[s.Flow]);
        output.WriteLine($"warm-up and 40 starts in {elapsed.TotalSeconds:F1} s; largest delay from token to task: {delay.TotalMilliseconds:F0} ms");
        Assert.True(delay < TimeSpan.FromMilliseconds(500), $"a task started {delay.TotalMilliseconds} ms after its token");
        Assert.True(SpanLog.MaxStartsIn(measured.Select(s => s.Start), TimeSpan.FromSeconds(1) - delay) <= 10);
        var spread = started.Max(s => s.At) - started.Min(s => s.At);
        Assert.True(spread >= TimeSpan.FromSeconds(3), $"40 starts at 10 per second came within {spread.TotalSeconds} s");
    }

    [PostgresFact]
    public async Task A_worker_killed_while_holding_a_slot_frees_it_when_its_lease_ends()
    {
        await using var run = await MultiProcessRun.CreateAsync(db.ConnectionString);
        const string slow = "tasks: [{ key: call, task_type: record.Span, task_params: { ms: 60000 }, concurrency: { key: \"$input.customer\", limit: 1 } }]";
        const string quick = "tasks: [{ key: call, task_type: record.Span, task_params: { ms: 10 }, concurrency: { key: \"$input.customer\", limit: 1 } }]";
        var holder = (await StartAsync(run, slow, 1, "k"))[0];
        using (var doomed = new WorkerProcess("doomed", db.ConnectionString, concurrency: 4, leaseSeconds: 2, spans: spans))
        {
            await doomed.ReadyAsync();
            await MultiProcessRun.WaitUntilAsync(() => Task.FromResult(SpanLog.Read(spans).Count == 1), "the step to hold its slot");
            await doomed.KillAsync();
        }

        // The dead worker's slot is held until its lease ends (the heartbeat no longer renews it), then it is free.
        // The holder is suspended so that it does not take its slot again when another worker runs it once more.
        Assert.Equal(1, await run.Store.CountSlotsAsync("customer:k", DateTimeOffset.UtcNow, default));
        await run.Store.SetFlowSuspendedAsync(holder, true, "test", DateTimeOffset.UtcNow, default);
        await MultiProcessRun.WaitUntilAsync(async () => await run.Store.CountSlotsAsync("customer:k", DateTimeOffset.UtcNow, default) == 0, "the slot to expire with the lease", 10);

        var waiter = (await StartAsync(run, quick, 1, "k"))[0];
        using var next = new WorkerProcess("next", db.ConnectionString, concurrency: 4, leaseSeconds: 2, spans: spans);
        await next.ReadyAsync();
        await WaitForAsync(run, [waiter], TimeSpan.FromSeconds(15));
        var all = SpanLog.Read(spans);
        Assert.Contains(all, s => s.Flow == holder && s.End is null);
        Assert.Contains(all, s => s.Flow == waiter && s.End is not null);
    }

    /// <summary>Waits until each of the flows completed (the class's tests share the database, so counts would not do).</summary>
    private static async Task<TimeSpan> WaitForAsync(MultiProcessRun run, IReadOnlyList<string> ids, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var left = ids.ToList();
        while (left.Count > 0)
        {
            Assert.True(clock.Elapsed < timeout, $"{left.Count} flows did not complete in {timeout.TotalSeconds} s");
            var flow = (await run.Store.GetFlowAsync(left[0], default))!;
            Assert.True(flow.State is not (FlowState.Failed or FlowState.Killed or FlowState.Cancelled), $"flow {flow.Id} ended {flow.State}: {flow.Error}");
            if (flow.State == FlowState.Completed)
            {
                left.RemoveAt(0);
            }
            else
            {
                await Task.Delay(100);
            }
        }

        return clock.Elapsed;
    }

    public void Dispose() => Directory.Delete(spans, recursive: true);

    private static async Task<List<string>> StartAsync(MultiProcessRun run, string spec, int count, string customer)
    {
        var registry = new TaskRegistry().AddBuiltIns().Register<SpanTask>().Register<LimitedSpanTask>();
        await using var engine = new FlowEngine(run.Store, registry);
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await engine.StartAsync(new StartFlowRequest { SpecText = spec, Input = new JsonObject { ["customer"] = customer } })).Flow.Id);
        }

        return ids;
    }

    /// <summary>Runs worker processes until every flow of <paramref name="ids"/> completed.</summary>
    private Task<TimeSpan> RunWorkersAsync(MultiProcessRun run, int processes, IReadOnlyList<string> ids) =>
        RunWorkersAsync(run, processes, () => Task.FromResult(ids.ToList()));

    /// <summary>Starts worker processes, then the flows <paramref name="start"/> returns, and runs them until each completed.</summary>
    private async Task<TimeSpan> RunWorkersAsync(MultiProcessRun run, int processes, Func<Task<List<string>>> start)
    {
        var workers = Enumerable.Range(0, processes).Select(i => new WorkerProcess("w" + i, db.ConnectionString, concurrency: 8, leaseSeconds: 5, spans: spans)).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.ReadyAsync()));
            var ids = await start();
            return await WaitForAsync(run, ids, TimeSpan.FromSeconds(120));
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }
    }
}
