using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using FlowMachine.Testing;
using static FlowMachine.Tests.BuiltIns.TestContexts;

namespace FlowMachine.Tests.BuiltIns;

public class TimerTaskTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 31, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Delay_with_seconds_waits_until_now_plus_seconds_on_the_engine_clock()
    {
        var outcome = Assert.IsType<WaitOutcome>(await new DelayTask().PerformAsync(For(new { seconds = 1.5 }, time: new ManualClock(Now)), default));
        Assert.Equal(Now.AddSeconds(1.5), outcome.Until);
        Assert.StartsWith("delay until 2030-01-31T12:00:01.5", outcome.Reason, StringComparison.Ordinal);
        Assert.Null(outcome.EventName);
    }

    [Fact]
    public async Task Delay_with_until_waits_until_that_time()
    {
        var outcome = Assert.IsType<WaitOutcome>(await new DelayTask().PerformAsync(For(new { until = "2031-02-03T04:05:06+02:00" }), default));
        Assert.Equal(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)), outcome.Until);
    }

    [Theory]
    [InlineData("{}", "task_params.seconds")]
    [InlineData("""{ "seconds": 1, "until": "2031-01-01T00:00:00Z" }""", "not both")]
    [InlineData("""{ "seconds": -1 }""", "task_params.seconds")]
    [InlineData("""{ "seconds": "10" }""", "task_params.seconds")]
    [InlineData("""{ "until": "next tuesday" }""", "task_params.until")]
    public async Task Delay_with_bad_params_fails_naming_the_param(string json, string named)
    {
        AssertFails(await new DelayTask().PerformAsync(For(json), default), named);
    }

    [Fact]
    public async Task Wait_defaults_its_reason()
    {
        var outcome = Assert.IsType<WaitOutcome>(await new WaitTask().PerformAsync(For(), default));
        Assert.Equal("Waiting for input", outcome.Reason);
        Assert.Null(outcome.EventName);
        Assert.Null(outcome.Until);
    }

    [Fact]
    public async Task Wait_passes_reason_event_and_timer()
    {
        var outcome = Assert.IsType<WaitOutcome>(await new WaitTask().PerformAsync(
            For(new { reason = "approve", @event = "approved", seconds = 60 }, time: new ManualClock(Now)), default));
        Assert.Equal(Outcome.Wait("approve", "approved", Now.AddMinutes(1)), outcome);
    }

    [Theory]
    [InlineData("""{ "reason": 1 }""", "task_params.reason")]
    [InlineData("""{ "event": false }""", "task_params.event")]
    [InlineData("""{ "until": "soon" }""", "task_params.until")]
    [InlineData("""{ "until": "2031-01-01T00:00:00Z", "seconds": 3 }""", "not both")]
    public async Task Wait_with_bad_params_fails_naming_the_param(string json, string named)
    {
        AssertFails(await new WaitTask().PerformAsync(For(json), default), named);
    }

    [Fact]
    public async Task Wait_check_is_ready_with_the_args_when_they_carry_ok_true()
    {
        var check = await new WaitTask().CheckAsync(For(args: JsonNode.Parse("""{ "ok": true, "by": "ann" }""")), default);
        Assert.True(check.IsReady);
        AssertJson("""{ "ok": true, "by": "ann" }""", check.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{ "ok": false }""")]
    [InlineData("""{ "ok": "true" }""")]
    [InlineData("true")]
    public async Task Wait_check_is_not_ready_without_ok_true(string? args)
    {
        var check = await new WaitTask().CheckAsync(For(args: args is null ? null : JsonNode.Parse(args)), default);
        Assert.False(check.IsReady);
        Assert.Contains("ok", check.Reason, StringComparison.Ordinal);
    }
}
