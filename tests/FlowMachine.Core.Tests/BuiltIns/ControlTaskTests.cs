using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using static FlowMachine.Tests.BuiltIns.TestContexts;

namespace FlowMachine.Tests.BuiltIns;

public class ControlTaskTests
{
    [Fact]
    public async Task Noop_completes_with_null()
    {
        var outcome = Assert.IsType<ResultOutcome>(await new NoopTask().PerformAsync(For(), default));
        Assert.Null(outcome.Value);
        Assert.Null(outcome.ChosenSuccessors);
    }

    [Fact]
    public async Task Print_writes_a_string_as_is_and_returns_it()
    {
        var log = new ListLog();
        var outcome = Assert.IsType<ResultOutcome>(await new PrintTask().PerformAsync(For(new { msg = "I am task_1." }, log: log), default));
        Assert.Equal(["info: I am task_1."], log.Lines);
        AssertJson("\"I am task_1.\"", outcome.Value);
    }

    [Fact]
    public async Task Print_writes_other_values_as_compact_json()
    {
        var log = new ListLog();
        var outcome = Assert.IsType<ResultOutcome>(await new PrintTask().PerformAsync(For("""{ "msg": { "a": [1, 2], "b": null } }""", log: log), default));
        Assert.Equal(["info: {\"a\":[1,2],\"b\":null}"], log.Lines);
        AssertJson("""{ "a": [1, 2], "b": null }""", outcome.Value);
    }

    [Fact]
    public async Task Print_of_an_explicit_null_writes_null()
    {
        var log = new ListLog();
        var outcome = Assert.IsType<ResultOutcome>(await new PrintTask().PerformAsync(For("""{ "msg": null }""", log: log), default));
        Assert.Equal(["info: null"], log.Lines);
        Assert.Null(outcome.Value);
    }

    [Fact]
    public async Task Print_without_msg_fails_naming_the_param()
    {
        AssertFails(await new PrintTask().PerformAsync(For(new { message = "typo" }), default), "task_params.msg", "required");
    }

    [Fact]
    public async Task Done_completes_the_flow_with_the_value()
    {
        var outcome = Assert.IsType<DoneOutcome>(await new DoneTask().PerformAsync(For("""{ "value": { "answer": 42 } }"""), default));
        AssertJson("""{ "answer": 42 }""", outcome.Value);
    }

    [Fact]
    public async Task Done_without_a_value_completes_with_null()
    {
        var outcome = Assert.IsType<DoneOutcome>(await new DoneTask().PerformAsync(For(), default));
        Assert.Null(outcome.Value);
    }

    [Fact]
    public async Task Kill_ends_the_flow_with_the_reason()
    {
        var outcome = Assert.IsType<KillOutcome>(await new KillTask().PerformAsync(For(new { reason = "Smoke signals preferred." }), default));
        Assert.Equal("Smoke signals preferred.", outcome.Reason);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "reason": 5 }""")]
    [InlineData("""{ "reason": "" }""")]
    public async Task Kill_without_a_string_reason_fails_naming_the_param(string json)
    {
        AssertFails(await new KillTask().PerformAsync(For(json), default), "task_params.reason");
    }

    [Fact]
    public async Task Fail_fails_the_step_with_the_error()
    {
        var outcome = Assert.IsType<FailOutcome>(await new FailTask().PerformAsync(For(new { error = "boom" }), default));
        Assert.Equal("boom", outcome.Error);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "error": ["x"] }""")]
    public async Task Fail_without_a_string_error_fails_naming_the_param(string json)
    {
        AssertFails(await new FailTask().PerformAsync(For(json), default), "task_params.error");
    }

    [Fact]
    public async Task Wire_sets_data_and_params_of_later_steps()
    {
        var parameters = JsonNode.Parse("""{ "data": { "answer": 42, "list": [1] }, "params": { "later": { "msg": "hi" } } }""")!.AsObject();
        var outcome = Assert.IsType<ResultOutcome>(await new WireTask().PerformAsync(For(parameters), default));

        Assert.Null(outcome.Value);
        Assert.NotNull(outcome.DataChanges);
        Assert.Equal(["answer", "list"], outcome.DataChanges.Keys.Order());
        AssertJson("42", outcome.DataChanges["answer"]);
        AssertJson("[1]", outcome.DataChanges["list"]);
        Assert.Null(outcome.DataChanges["list"]!.Parent); // detached from the params
        Assert.NotNull(outcome.ParamChanges);
        AssertJson("""{ "msg": "hi" }""", outcome.ParamChanges["later"]);
    }

    [Fact]
    public async Task Wire_with_only_data_leaves_params_alone()
    {
        var outcome = Assert.IsType<ResultOutcome>(await new WireTask().PerformAsync(For("""{ "data": { "x": 1 } }"""), default));
        Assert.NotNull(outcome.DataChanges);
        Assert.Null(outcome.ParamChanges);
    }

    [Theory]
    [InlineData("{}", "task_params.data")]
    [InlineData("""{ "data": [1, 2] }""", "task_params.data")]
    [InlineData("""{ "data": "x" }""", "task_params.data")]
    [InlineData("""{ "params": 3 }""", "task_params.params")]
    [InlineData("""{ "params": { "later": "msg" } }""", "task_params.params.later")]
    public async Task Wire_with_wrong_types_fails_naming_the_param(string json, string named)
    {
        AssertFails(await new WireTask().PerformAsync(For(json), default), named);
    }
}
