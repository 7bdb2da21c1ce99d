using System.Diagnostics;
using FlowMachine.BuiltIns;
using FlowMachine.Diagnostics;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Postgres.Tests.Telemetry;

/// <summary>
/// The trace of a flow that crosses two real <c>flowmachine worker</c> processes on one PostgreSQL database, as they
/// export it over OTLP/HTTP: the steps of each process hang under the flow's start span, in the trace of the request
/// that started it, and the child flow a step spawns links to that step.
/// </summary>
public sealed class CrossProcessTraceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TestDatabase db = new();
    private readonly List<Process> workers = [];

    public Task InitializeAsync() => db.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var process in workers)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        await db.DisposeAsync();
    }

    [Fact]
    public async Task Steps_run_by_two_worker_processes_share_the_flow_trace_under_its_start_span_and_a_child_links_to_its_step()
    {
        await using var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString });
        await store.InitializeAsync(default);
        await using var starter = new FlowEngine(store, new TaskRegistry().AddBuiltIns());

        // The request that starts the flow, and the flow's start span recorded here as an in-memory exporter would.
        var started = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FlowMachineDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (started) { started.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        string id;
        ActivityTraceId requestTrace;
        using (var request = new Activity("POST /api/v1/flows").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            requestTrace = request.TraceId;
            id = (await starter.StartAsync(new StartFlowRequest
            {
                SpecText = """
                    tasks:
                      - { key: a, task_type: noop, queue: qa }
                      - { key: b, task_type: noop, queue: qb }
                      - { key: sub, task_type: flow, queue: qa, task_params: { spec: { tasks: [{ key: inner, task_type: noop, queue: qb }] } } }
                    """,
            })).Flow.Id;
        }

        Activity startSpan;
        lock (started)
        {
            startSpan = Assert.Single(started, a => a.GetTagItem("flowmachine.flow_id") as string == id);
        }

        Assert.Equal(requestTrace, startSpan.TraceId);
        Assert.Equal(startSpan.Id, (await store.GetFlowAsync(id, default))!.TraceParent);

        using var receiver = new OtlpReceiver();
        StartWorker(receiver, "fm-worker-a", "qa");
        StartWorker(receiver, "fm-worker-b", "qb");
        var deadline = DateTime.UtcNow + Patience;
        while ((await store.GetFlowAsync(id, default))!.State != FlowState.Completed)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the flow did not complete: {(await store.GetFlowAsync(id, default))!.State}");
            await Task.Delay(200);
        }

        // The child flow is the one whose start span names this flow as its parent.
        string? ChildOf(List<OtlpSpan> all) => all.FirstOrDefault(s => s.Attribute("flowmachine.parent_flow_id") == id)?.Attribute("flowmachine.flow_id");
        var spans = await SpansAsync(receiver, all =>
            new[] { "a", "b", "sub" }.All(step => all.Any(s => s.Attribute("flowmachine.flow_id") == id && s.Attribute("flowmachine.step") == step))
            && ChildOf(all) is { } child && all.Any(s => s.Attribute("flowmachine.flow_id") == child && s.Attribute("flowmachine.step") == "inner"));
        var childId = ChildOf(spans)!;
        Assert.Equal(id, (await store.GetFlowAsync(childId, default))!.ParentFlowId);

        // Each process ran the steps of its queue, each span a child of the start span in the request's trace.
        var trace = requestTrace.ToHexString();
        var parent = startSpan.SpanId.ToHexString();
        foreach (var (step, service) in new[] { ("a", "fm-worker-a"), ("b", "fm-worker-b"), ("sub", "fm-worker-a") })
        {
            var span = Assert.Single(spans, s => s.Attribute("flowmachine.flow_id") == id && s.Attribute("flowmachine.step") == step);
            Assert.Equal((service, trace, parent), (span.Service, span.TraceId, span.ParentSpanId));
            Assert.Equal(("1", step == "sub" ? "spawn" : "result"), (span.Attribute("flowmachine.attempt"), span.Attribute("flowmachine.outcome")));
            Assert.Equal(step == "sub" ? "flow" : "noop", span.Attribute("flowmachine.task_type"));
        }

        // The child's start span (sent by the process that ran sub) links to sub's span; its step ran in the other process.
        var sub = spans.Single(s => s.Attribute("flowmachine.flow_id") == id && s.Attribute("flowmachine.step") == "sub");
        var childStart = Assert.Single(spans, s => s.Attribute("flowmachine.flow_id") == childId && s.Attribute("flowmachine.parent_flow_id") == id);
        Assert.Equal(("fm-worker-a", "sub"), (childStart.Service, childStart.Attribute("flowmachine.parent_step")));
        Assert.Contains((sub.TraceId, sub.SpanId), childStart.Links);
        var inner = Assert.Single(spans, s => s.Attribute("flowmachine.flow_id") == childId && s.Attribute("flowmachine.step") == "inner");
        Assert.Equal(("fm-worker-b", childStart.TraceId, childStart.SpanId), (inner.Service, inner.TraceId, inner.ParentSpanId));
    }

    private void StartWorker(OtlpReceiver receiver, string service, string queue)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "flowmachine.dll"), "worker", "--db", db.ConnectionString, "--queue", queue, "--no-examples" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        start.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        start.Environment["OTEL_SERVICE_NAME"] = service;
        start.Environment["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        workers.Add(process);
    }

    /// <summary>Every span received so far, once they hold what <paramref name="complete"/> looks for.</summary>
    private static async Task<List<OtlpSpan>> SpansAsync(OtlpReceiver receiver, Func<List<OtlpSpan>, bool> complete)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var spans = receiver.Bodies("/v1/traces").SelectMany(OtlpSpans.Read).ToList();
            if (complete(spans))
            {
                return spans;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not every span came; {spans.Count} received: {string.Join(", ", spans.Select(s => $"{s.Service}/{s.Name}"))}");
            await Task.Delay(200);
        }
    }
}
