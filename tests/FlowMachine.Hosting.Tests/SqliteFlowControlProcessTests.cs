using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Sqlite;
using FlowMachine.Storage;
using FlowMachine.TestHost;

namespace FlowMachine.Hosting.Tests;

/// <summary>Concurrency and rate limits across two worker processes on one SQLite file, measured by the task (<see cref="SpanLog"/>).</summary>
public sealed class SqliteFlowControlProcessTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_concurrency_limit_of_two_on_a_key_holds_across_two_processes()
    {
        var (spans, _) = await RunAsync("tasks: [{ key: call, task_type: record.Span, task_params: { ms: 100 }, concurrency: { key: \"$input.customer\", limit: 2 } }]", 16);
        Assert.Equal(16, spans.Count);
        Assert.Equal(2, SpanLog.MaxOverlap(spans));
    }

    [Fact]
    public async Task A_rate_limit_of_ten_per_second_across_two_processes_starts_at_most_ten_in_any_second()
    {
        var clock = Stopwatch.StartNew();
        var (spans, tokens) = await RunAsync("tasks: [{ key: call, task_type: record.Span, rate: { limit: 10, per: 1s } }]", 25);
        Assert.Equal(25, spans.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"25 starts at 10 per second took only {clock.Elapsed.TotalSeconds} s");

        // When each step took its token (its start in the store): never more than 10 in any second.
        // (A loaded machine may not fit ten into one second at all; it must never fit more.)
        Assert.InRange(SpanLog.MaxStartsIn(tokens.Values, TimeSpan.FromSeconds(1)), 1, 10);

        // As the task measured its starts: each later than its token by the time the worker took to call it, so the
        // window shrinks by the largest such delay; within it, still never more than 10.
        var delay = spans.Max(s => s.Start - tokens[s.Flow]);
        Assert.True(delay < TimeSpan.FromMilliseconds(500), $"a task started {delay.TotalMilliseconds} ms after its token");
        Assert.True(SpanLog.MaxStartsIn(spans.Select(s => s.Start), TimeSpan.FromSeconds(1) - delay) <= 10);
    }

    /// <summary>Runs the flows on two worker processes; returns what the tasks recorded and when each flow's step started in the store.</summary>
    private async Task<(List<Span> Spans, Dictionary<string, DateTime> Started)> RunAsync(string spec, int flows)
    {
        var db = temp.File("flows.db");
        var record = temp.File("executions.log");
        var spans = Directory.CreateDirectory(temp.File("spans")).FullName;
        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = db });
        await store.InitializeAsync(default);
        await using (var engine = new FlowEngine(store, new TaskRegistry().AddBuiltIns().Register<SpanTask>()))
        {
            for (var i = 0; i < flows; i++)
            {
                await engine.StartAsync(new StartFlowRequest { SpecText = spec, Input = new JsonObject { ["customer"] = "c1" } });
            }
        }

        var workers = Enumerable.Range(0, 2).Select(_ => RecordingWorkers.Start(db, record, concurrency: 8, leaseSeconds: 5, spans)).ToList();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while ((await store.CountFlowsByStateAsync(null, default))[FlowState.Completed] < flows)
            {
                Assert.True(DateTime.UtcNow < deadline, "the flows did not complete in 90 s");
                await Task.Delay(100);
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
                worker.Dispose();
            }
        }

        var started = new Dictionary<string, DateTime>();
        foreach (var flow in (await store.ListFlowsAsync(new FlowQuery { Limit = flows }, default)).Items)
        {
            started[flow.Id] = (await store.GetStepsAsync(flow.Id, default))[0].StartedAt!.Value.UtcDateTime;
        }

        return (SpanLog.Read(spans), started);
    }
}
