using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowMachine.Diagnostics;
using FlowMachine.Engine;
using FlowMachine.Storage;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.Diagnostics;

public sealed class DiagnosticsTests
{
    [Fact]
    public async Task Each_step_attempt_is_a_span_and_counted_with_its_duration()
    {
        var spans = new ConcurrentBag<Activity>();
        using var activities = ListenToSpans(spans);

        var steps = new ConcurrentBag<(string Instrument, string? TaskType, string? Outcome)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FlowMachineDiagnostics.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? type = null, outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "task_type") type = tag.Value as string;
                if (tag.Key == "outcome") outcome = tag.Value as string;
            }

            steps.Add((instrument.Name, type, outcome));
        }

        meters.SetMeasurementEventCallback<long>((i, _, tags, _) => Record(i, tags));
        meters.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
        meters.Start();

        await using var h = new EngineHarness();
        var view = await h.StartAndRunAsync("tasks: [{ key: hello, task_type: print, task_params: { msg: hi } }, { key: stop, task_type: kill, task_params: { reason: enough } }]");

        // The step spans (consumers); the flow's start span (a producer) carries the flow id too.
        var mine = spans.Where(s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem("flowmachine.flow_id") == view.Flow.Id).ToList();
        Assert.Equal(["print", "kill"], mine.OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName));
        Assert.Equal("kill", mine.Single(s => s.OperationName == "kill").GetTagItem("flowmachine.outcome"));
        Assert.Contains(steps, m => m.Instrument == "flowmachine.steps" && m.TaskType == "print" && m.Outcome == "result");
        Assert.Contains(steps, m => m.Instrument == "flowmachine.step.duration" && m.TaskType == "kill" && m.Outcome == "kill");
        Assert.Contains(steps, m => m.Instrument == "flowmachine.commits");
    }

    [Fact]
    public async Task A_failed_attempt_records_its_error_on_its_span_and_each_attempt_is_a_child_of_the_flows_start()
    {
        var spans = new ConcurrentBag<Activity>();
        using var activities = ListenToSpans(spans);

        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: shaky, task_type: t.flaky, task_params: { succeed_on: 2 }, retry: { attempts: 2, delay: 0 } }]");
        var view = await h.RunAsync(id);

        Assert.Equal(FlowState.Completed, view.State);
        var start = Assert.Single(spans, s => s.OperationName == "start inline" && (string?)s.GetTagItem("flowmachine.flow_id") == id);
        Assert.Equal(start.Id, (await h.Store.GetFlowAsync(id, default))!.TraceParent);
        var attempts = spans.Where(s => s.OperationName == "t.flaky" && (string?)s.GetTagItem("flowmachine.flow_id") == id).OrderBy(s => s.GetTagItem("flowmachine.attempt")).ToList();
        Assert.Equal([1, 2], attempts.Select(s => (int)s.GetTagItem("flowmachine.attempt")!));
        Assert.All(attempts, s => Assert.Equal(start.SpanId, s.ParentSpanId));
        Assert.All(attempts, s => Assert.Equal("shaky", s.GetTagItem("flowmachine.step")));

        var failed = attempts[0];
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("fail", failed.GetTagItem("flowmachine.outcome"));
        Assert.Equal("System.InvalidOperationException", failed.GetTagItem("error.type"));
        var exception = Assert.Single(failed.Events, e => e.Name == "exception");
        Assert.Contains(exception.Tags, t => t.Key == "exception.message" && (string?)t.Value == "boom on attempt 1");
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);
        Assert.Equal("result", attempts[1].GetTagItem("flowmachine.outcome"));
    }

    [Fact]
    public void Without_a_listener_a_flow_start_keeps_the_current_requests_context_and_nothing_else()
    {
        var flow = new FlowRecord { Id = "f", SpecJson = "{}" };
        Assert.Null(FlowMachineDiagnostics.TraceStart(flow, default));

        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(request.Id, FlowMachineDiagnostics.TraceStart(flow, default));
    }

    [Fact]
    public async Task An_event_is_a_span_in_the_flows_trace_linked_to_the_request_that_raised_it()
    {
        var spans = new ConcurrentBag<Activity>();
        using var activities = ListenToSpans(spans);

        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: hold, task_type: wait, task_params: { event: go } }, { key: after, task_type: noop }]");
        Assert.Equal(FlowState.Waiting, (await h.RunAsync(id)).State);
        using (var request = new Activity("POST /api/v1/flows/{id}/events/go").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            Assert.Equal(CommandStatus.Accepted, (await h.Engine.RaiseEventAsync(id, "go", 1)).Status);
            var start = Assert.Single(spans, s => s.OperationName == "start inline" && (string?)s.GetTagItem("flowmachine.flow_id") == id);
            var received = Assert.Single(spans, s => s.OperationName == "event go" && (string?)s.GetTagItem("flowmachine.flow_id") == id);
            Assert.Equal(start.TraceId, received.TraceId);
            Assert.Equal(start.SpanId, received.ParentSpanId);
            Assert.Equal(request.SpanId, Assert.Single(received.Links).Context.SpanId);
        }

        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);
    }

    [Fact]
    public async Task Steps_of_a_flow_whose_start_was_not_traced_still_share_one_trace()
    {
        await using var h = new EngineHarness();
        var id = await h.StartAsync("tasks: [{ key: a, task_type: noop }, { key: b, task_type: noop }]");
        Assert.Null((await h.Store.GetFlowAsync(id, default))!.TraceParent);

        var spans = new ConcurrentBag<Activity>();
        using var activities = ListenToSpans(spans);
        Assert.Equal(FlowState.Completed, (await h.RunAsync(id)).State);

        var steps = spans.Where(s => (string?)s.GetTagItem("flowmachine.flow_id") == id).ToList();
        Assert.Equal(2, steps.Count);
        Assert.Single(steps.Select(s => s.TraceId).Distinct());
        Assert.Single(steps.Select(s => s.ParentSpanId).Distinct());
        Assert.NotEqual(default, steps[0].ParentSpanId);
    }

    /// <summary>Samples every FlowMachine span and keeps it when it ends.</summary>
    private static ActivityListener ListenToSpans(ConcurrentBag<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FlowMachineDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
