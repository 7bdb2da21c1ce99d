using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowMachine.Engine;
using FlowMachine.Storage;

namespace FlowMachine.Tests.Engine;

/// <summary>
/// The typed documents (<see cref="FlowDocument"/> and its kin) must print exactly what the hand-built JSON
/// objects printed before, with the CLI's relaxed indented writer and with the default one (the live stream).
/// </summary>
public sealed class FlowDocumentTests
{
    private static readonly JsonSerializerOptions Relaxed = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void A_flow_with_a_waiting_step_prints_as_before()
    {
        var flow = new FlowRecord
        {
            Id = "f-1", Key = "kéy<&>\"'", Label = "naïve — ünïcode ✓", Owner = "alice", SpecJson = "{}", State = FlowState.Waiting,
            Position = 1, Input = JsonNode.Parse("""{"n":1.50,"s":"é<\u0001>"}"""), WaitReason = "wait\nhere", CreatedAt = At, UpdatedAt = At,
        };
        var done = new StepRecord { FlowId = "f-1", Key = "one", TaskType = "test.One", State = StepState.Completed, Result = JsonNode.Parse("[1,2.5e3]"), Attempts = 1, StartedAt = At, FinishedAt = At };
        var waiting = new StepRecord { FlowId = "f-1", Index = 1, Key = "two", TaskType = "test.Wait", State = StepState.Waiting, Attempts = 2, StartedAt = At, WaitReason = "ok?", ResumeToken = "tok" };
        var view = new FlowView(flow, [done, waiting]);

        var before = Summary(flow);
        before["input"] = flow.Input!.DeepClone();
        before["data"] = flow.Data.DeepClone();
        before["result"] = null;
        before["steps"] = new JsonArray(Step(done, null), Step(waiting, "u/tok"));
        before["resumeUrl"] = "u/tok";
        before["tags"] = new JsonArray();
        before["attributes"] = new JsonObject();
        before["priority"] = 0;

        Assert.Equal(before.ToJsonString(Relaxed), JsonSerializer.Serialize(FlowDocument.Of(view, t => "u/" + t), Relaxed));
        Assert.Equal(before.ToJsonString(), JsonSerializer.Serialize(FlowDocument.Of(view, t => "u/" + t)));
        Assert.Equal(Summary(flow).ToJsonString(Relaxed), JsonSerializer.Serialize(FlowSummaryDocument.Of(flow), Relaxed));
    }

    [Fact]
    public void A_step_whose_worker_was_lost_carries_its_recoveries_and_other_steps_leave_them_out()
    {
        var flow = new FlowRecord { Id = "f-2", SpecJson = "{}", State = FlowState.Running, CreatedAt = At, UpdatedAt = At };
        var lost = new StepRecord { FlowId = "f-2", Key = "crashy", TaskType = "t.count", State = StepState.Running, Attempts = 3, Recoveries = 2, StartedAt = At };
        var calm = new StepRecord { FlowId = "f-2", Index = 1, Key = "calm", TaskType = "t.count" };

        var document = JsonNode.Parse(JsonSerializer.Serialize(FlowDocument.Of(new FlowView(flow, [lost, calm]))))!;

        Assert.Equal(2, (int?)document["steps"]![0]!["recoveries"]);
        Assert.Equal(["key", "taskType", "state", "result", "error", "errorDetail", "attempts", "recoveries", "startedAt", "finishedAt"], document["steps"]![0]!.AsObject().Select(p => p.Key));
        Assert.False(document["steps"]![1]!.AsObject().ContainsKey("recoveries"));
    }

    [Fact]
    public void History_prints_as_before()
    {
        var e = new HistoryEvent("f-1", 7, At, "step.failed", "two", JsonNode.Parse("""{"error":"é<>"}"""));
        var before = new JsonObject { ["seq"] = 7L, ["at"] = At, ["kind"] = "step.failed", ["step"] = "two", ["detail"] = e.Detail!.DeepClone() };

        Assert.Equal(before.ToJsonString(Relaxed), JsonSerializer.Serialize(HistoryDocument.Of(e), Relaxed));
    }

    private static JsonObject Summary(FlowRecord flow) => new()
    {
        ["id"] = flow.Id, ["key"] = flow.Key, ["label"] = flow.Label, ["routine"] = flow.Routine, ["version"] = flow.RoutineVersion,
        ["owner"] = flow.Owner, ["state"] = flow.State.ToName(), ["position"] = flow.Position, ["waitReason"] = flow.WaitReason,
        ["error"] = flow.Error, ["parentFlowId"] = flow.ParentFlowId, ["nextRunAt"] = flow.NextRunAt, ["createdAt"] = flow.CreatedAt,
        ["updatedAt"] = flow.UpdatedAt,
    };

    private static JsonObject Step(StepRecord step, string? resumeUrl)
    {
        var document = new JsonObject
        {
            ["key"] = step.Key, ["taskType"] = step.TaskType, ["state"] = step.State.ToName(), ["result"] = step.Result?.DeepClone(),
            ["error"] = step.Error, ["errorDetail"] = step.ErrorDetail, ["attempts"] = step.Attempts, ["startedAt"] = step.StartedAt,
            ["finishedAt"] = step.FinishedAt,
        };
        if (step.State == StepState.Waiting)
        {
            document["waitReason"] = step.WaitReason;
            document["waitEvent"] = step.WaitEvent;
            document["waitUntil"] = step.WaitUntil;
            if (resumeUrl is not null)
            {
                document["resumeUrl"] = resumeUrl;
            }
        }

        return document;
    }
}
