using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowMachine.Diagnostics;
using FlowMachine.Tests.Support;

namespace FlowMachine.Tests.Diagnostics;

public sealed class DiagnosticsTests
{
    [Fact]
    public async Task Each_step_attempt_is_a_span_and_counted_with_its_duration()
    {
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == FlowMachineDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);

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

        var mine = spans.Where(s => (string?)s.GetTagItem("flowmachine.flow_id") == view.Flow.Id).ToList();
        Assert.Equal(["print", "kill"], mine.OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName));
        Assert.Equal("kill", mine.Single(s => s.OperationName == "kill").GetTagItem("flowmachine.outcome"));
        Assert.Contains(steps, m => m.Instrument == "flowmachine.steps" && m.TaskType == "print" && m.Outcome == "result");
        Assert.Contains(steps, m => m.Instrument == "flowmachine.step.duration" && m.TaskType == "kill" && m.Outcome == "kill");
        Assert.Contains(steps, m => m.Instrument == "flowmachine.commits");
    }
}
