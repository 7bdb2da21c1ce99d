using System.Diagnostics;
using System.Text.Json.Nodes;
using FlowMachine.Examples;
using FlowMachine.Testing;
using static FlowMachine.Tests.BuiltIns.TestContexts;

namespace FlowMachine.Tests.BuiltIns;

public class ExampleTaskTests
{
    [Fact]
    public async Task Test_tasks_record_input_params_sorted_earlier_results_and_attempt()
    {
        var log = new ListLog();
        var results = new Dictionary<string, JsonNode?> { ["test.Two"] = 2, ["test.One"] = 1 };
        var context = For(new { foo = "bar" }, input: JsonNode.Parse("""{ "other": 1 }"""), results: results, attempt: 2, log: log);

        var outcome = Assert.IsType<ResultOutcome>(await new TestThree().PerformAsync(context, default));

        AssertJson("""
            { "task": "test.Three", "input": { "other": 1 }, "params": { "foo": "bar" },
              "seen": ["test.One", "test.Two"], "attempt": 2 }
            """, outcome.Value);
        Assert.Equal(["info: test.Three ran"], log.Lines);
    }

    [Fact]
    public async Task Test_one_and_two_name_themselves()
    {
        var one = Assert.IsType<ResultOutcome>(await new TestOne().PerformAsync(For(), default));
        var two = Assert.IsType<ResultOutcome>(await new TestTwo().PerformAsync(For(), default));
        AssertJson("""{ "task": "test.One", "input": null, "params": {}, "seen": [], "attempt": 1 }""", one.Value);
        Assert.Equal("test.Two", two.Value!["task"]!.GetValue<string>());
    }

    [Fact]
    public async Task Test_wait_waits_for_external()
    {
        var outcome = Assert.IsType<WaitOutcome>(await new TestWait().PerformAsync(For(), default));
        Assert.Equal("Wait for external", outcome.Reason);
    }

    [Fact]
    public async Task Test_wait_check_with_ok_true_is_ready_with_the_check_time()
    {
        var at = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var check = await new TestWait().CheckAsync(For(args: JsonNode.Parse("""{ "ok": true }"""), time: new ManualClock(at)), default);
        Assert.True(check.IsReady);
        AssertJson("""{ "ok": true, "checkedAt": "2030-01-02T03:04:05+00:00" }""", check.Value);
    }

    [Fact]
    public async Task Test_wait_check_without_ok_is_not_ready_with_the_seed_reason()
    {
        var check = await new TestWait().CheckAsync(For(args: JsonNode.Parse("""{ "foo": "bar" }""")), default);
        Assert.False(check.IsReady);
        Assert.Equal("check assert ready: False", check.Reason);
    }

    [Fact]
    public async Task VeryLong_returns_the_seconds_it_ran()
    {
        var outcome = Assert.IsType<ResultOutcome>(await new VeryLong().PerformAsync(For(new { seconds = 0.01 }), default));
        AssertJson("""{ "very_long": 0.01 }""", outcome.Value);
    }

    [Fact]
    public async Task VeryLong_honours_cancellation_quickly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await new VeryLong().PerformAsync(For(new { seconds = 60 }), cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("""{ "seconds": "8" }""")]
    [InlineData("""{ "seconds": -1 }""")]
    public async Task VeryLong_with_bad_seconds_fails_naming_the_param(string json)
    {
        AssertFails(await new VeryLong().PerformAsync(For(json), default), "task_params.seconds");
    }
}
