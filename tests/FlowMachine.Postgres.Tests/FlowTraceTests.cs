using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Diagnostics;
using FlowMachine.Engine;
using FlowMachine.Registry;
using FlowMachine.Storage;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace FlowMachine.Postgres.Tests;

/// <summary>
/// One trace per flow across two engines on one PostgreSQL store, seen by OpenTelemetry's in-memory exporter: the
/// request that starts the flow is the parent of its start span, every step's span is a child of that span in
/// whichever engine runs it, and a child flow's own trace links to the step that spawned it.
/// </summary>
public sealed class FlowTraceTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly ActivitySource Requests = new("FlowMachine.Tests.Requests");

    [PostgresFact]
    public async Task A_flow_run_by_two_engines_is_one_trace_under_the_request_that_started_it()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(FlowMachineDiagnostics.ActivitySourceName, Requests.Name)
            .AddInMemoryExporter(spans)
            .Build();
        var schema = db.NewSchema();
        await using var a = await EngineAsync(schema);
        await using var b = await EngineAsync(schema);

        // The request: the start happens inside its span, as in the server.
        string id;
        ActivityContext request;
        using (var span = Requests.StartActivity("POST /api/v1/flows", ActivityKind.Server))
        {
            request = span!.Context;
            id = (await a.Engine.StartAsync(new StartFlowRequest { SpecText = Spec })).Flow.Id;
        }

        // Engine A runs up to the wait; engine B takes the push, spawns the child and runs it (a run takes the
        // children along), and finishes the parent.
        Assert.Equal(FlowState.Waiting, (await a.Engine.RunAsync(id)).State);
        var seenByA = spans.Count;
        ActivityContext pushRequest;
        using (var span = Requests.StartActivity("POST /api/v1/flows/{id}/push", ActivityKind.Server))
        {
            pushRequest = span!.Context;
            Assert.True((await b.Engine.PushAsync(id, JsonValue.Create("go"))).Status == CommandStatus.Accepted);
        }

        Assert.Equal(FlowState.Completed, (await b.Engine.RunAsync(id)).State);
        var childId = (await b.Store.ListFlowsAsync(new FlowQuery { ParentFlowId = id }, CancellationToken.None)).Items.Single().Id;
        tracing.ForceFlush();

        var stored = (await a.Store.GetFlowAsync(id, CancellationToken.None))!;
        var start = Assert.Single(spans, s => s.OperationName == "start inline" && Tag(s, "flowmachine.flow_id") == id);
        Assert.Equal(request.TraceId, start.TraceId);
        Assert.Equal(request.SpanId, start.ParentSpanId);
        Assert.Equal(start.Id, stored.TraceParent);

        var steps = spans.Where(s => s.Kind == ActivityKind.Consumer && Tag(s, "flowmachine.flow_id") == id).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(["first", "hold", "child", "last"], steps.Select(s => Tag(s, "flowmachine.step")));
        Assert.Equal(["noop", "wait", "flow", "noop"], steps.Select(s => s.OperationName));
        Assert.All(steps, s =>
        {
            Assert.Equal(request.TraceId, s.TraceId);
            Assert.Equal(start.SpanId, s.ParentSpanId);
            Assert.Equal("inline", Tag(s, "flowmachine.routine"));
            Assert.Equal(s.OperationName, Tag(s, "flowmachine.task_type"));
            Assert.Equal(1, s.GetTagItem("flowmachine.attempt"));
        });
        Assert.Equal(["result", "wait", "spawn", "result"], steps.Select(s => Tag(s, "flowmachine.outcome")));
        Assert.Equal(2, spans.Take(seenByA).Count(steps.Contains)); // first and hold ran on A; child and last on B

        // The push: a span in the flow's trace, linked to the request that sent it (a trace of its own).
        var push = Assert.Single(spans, s => s.OperationName == "push" && Tag(s, "flowmachine.flow_id") == id);
        Assert.Equal(start.SpanId, push.ParentSpanId);
        Assert.Equal("hold", Tag(push, "flowmachine.step"));
        var sender = Assert.Single(push.Links);
        Assert.Equal(pushRequest.SpanId, sender.Context.SpanId);
        Assert.NotEqual(request.TraceId, pushRequest.TraceId);

        // The child: a trace of its own, its start linked to the parent's "child" step, its steps under that start.
        var spawner = steps[2];
        var childStart = Assert.Single(spans, s => s.OperationName == "start inline" && Tag(s, "flowmachine.flow_id") == childId);
        Assert.NotEqual(request.TraceId, childStart.TraceId);
        Assert.Equal(default, childStart.ParentSpanId);
        var link = Assert.Single(childStart.Links);
        Assert.Equal(spawner.TraceId, link.Context.TraceId);
        Assert.Equal(spawner.SpanId, link.Context.SpanId);
        Assert.Equal(id, Tag(childStart, "flowmachine.parent_flow_id"));
        var childStep = Assert.Single(spans, s => s.Kind == ActivityKind.Consumer && Tag(s, "flowmachine.flow_id") == childId);
        Assert.Equal(childStart.TraceId, childStep.TraceId);
        Assert.Equal(childStart.SpanId, childStep.ParentSpanId);
    }

    private const string Spec = """
        {"tasks":[
          {"key":"first","task_type":"noop"},
          {"key":"hold","task_type":"wait","task_params":{"reason":"a push"}},
          {"key":"child","task_type":"flow","task_params":{"spec":{"tasks":[{"key":"inner","task_type":"noop"}]}}},
          {"key":"last","task_type":"noop"}]}
        """;

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    private async Task<Node> EngineAsync(string schema)
    {
        var store = new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema });
        await store.InitializeAsync(CancellationToken.None);
        return new Node(store, new FlowEngine(store, new TaskRegistry().AddBuiltIns(), new FlowEngineOptions()));
    }

    private sealed record Node(PostgresFlowStore Store, FlowEngine Engine) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Engine.DisposeAsync();
            await Store.DisposeAsync();
        }
    }
}
