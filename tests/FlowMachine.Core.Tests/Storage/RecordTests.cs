using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Tests.Storage;

/// <summary>The stored records keep times and rarely used fields compactly; what they hand back is unchanged.</summary>
public sealed class RecordTests
{
    private static StepRecord NewStep() => new() { FlowId = "f", Key = "a", TaskType = "noop" };

    [Fact]
    public void A_step_copy_owns_its_wait_fields()
    {
        var waiting = NewStep();
        waiting.WaitReason = "approval";
        waiting.ResumeToken = "token-1";
        waiting.WaitUntil = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var copy = waiting.ShallowCopy();
        copy.WaitReason = null;
        copy.ResumeToken = "token-2";
        copy.WaitUntil = null;

        Assert.Equal("approval", waiting.WaitReason);
        Assert.Equal("token-1", waiting.ResumeToken);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), waiting.WaitUntil);
        Assert.Null(copy.WaitReason);
        Assert.Equal("token-2", copy.ResumeToken);
        Assert.Null(copy.WaitUntil);
    }

    [Fact]
    public void A_deep_step_clone_copies_the_wired_params_and_spawn_state()
    {
        var step = NewStep();
        step.ParamOverrides = new JsonObject { ["x"] = 1 };
        step.Spawn = new JsonObject { ["children"] = new JsonArray("c1") };

        var clone = step.Clone();
        clone.ParamOverrides!["x"] = 2;
        ((JsonArray)clone.Spawn!["children"]!).Add("c2");

        Assert.Equal(1, step.ParamOverrides["x"]!.GetValue<int>());
        Assert.Single((JsonArray)step.Spawn["children"]!);
    }

    [Fact]
    public void Step_fields_that_were_never_set_read_as_null()
    {
        var step = NewStep();
        step.ErrorDetail = null; // setting null on a fresh record changes nothing

        Assert.Null(step.StartedAt);
        Assert.Null(step.FinishedAt);
        Assert.Null(step.NotBefore);
        Assert.Null(step.WaitUntil);
        Assert.Null(step.ErrorDetail);
        Assert.Null(step.WaitEvent);
        Assert.Null(step.Spawn);
    }

    [Fact]
    public void Times_come_back_as_the_same_instant_in_utc()
    {
        var local = new DateTimeOffset(2026, 6, 1, 12, 30, 0, 123, TimeSpan.FromHours(2));
        var step = NewStep();
        step.StartedAt = local;
        step.NotBefore = local;
        var flow = new FlowRecord { Id = "f", SpecJson = "{}", CreatedAt = local, NextRunAt = local };

        Assert.Equal(local, step.StartedAt);
        Assert.Equal(TimeSpan.Zero, step.StartedAt!.Value.Offset);
        Assert.Equal(local.UtcDateTime, step.NotBefore!.Value.UtcDateTime);
        Assert.Equal(local, flow.CreatedAt);
        Assert.Equal(local, flow.NextRunAt);
        Assert.Null(flow.LeaseExpiresAt);

        flow.NextRunAt = null;
        step.StartedAt = null;
        Assert.Null(flow.NextRunAt);
        Assert.Null(step.StartedAt);

        // The earliest time there is stays a time, not "no time".
        step.FinishedAt = DateTimeOffset.MinValue;
        Assert.Equal(DateTimeOffset.MinValue, step.FinishedAt);
    }

    [Theory]
    [InlineData(0, "flow-1/step-a/3")]
    [InlineData(2, "flow-1/step-a/3/r2")]
    public void The_idempotency_key_is_made_from_the_flow_step_attempt_and_resets(int generation, string expected)
    {
        var context = new TaskContext
        {
            FlowId = "flow-1",
            StepKey = "step-a",
            TaskType = "noop",
            Attempt = 3,
            Generation = generation,
            Data = [],
            Results = new Dictionary<string, JsonNode?>(),
            Params = [],
        };

        Assert.Equal(expected, context.IdempotencyKey);
        Assert.Same(context.IdempotencyKey, context.IdempotencyKey);
    }

    [Fact]
    public void An_idempotency_key_given_to_the_context_is_kept()
    {
        var context = new TaskContext
        {
            FlowId = "flow-1",
            StepKey = "step-a",
            TaskType = "noop",
            Attempt = 1,
            IdempotencyKey = "custom",
            Data = [],
            Results = new Dictionary<string, JsonNode?>(),
            Params = [],
        };

        Assert.Equal("custom", context.IdempotencyKey);
    }
}
