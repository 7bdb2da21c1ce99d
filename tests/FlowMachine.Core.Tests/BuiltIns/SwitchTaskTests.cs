using FlowMachine.BuiltIns;
using static FlowMachine.Tests.BuiltIns.TestContexts;

namespace FlowMachine.Tests.BuiltIns;

public class SwitchTaskTests
{
    private const string Cases = """
        [
          { "when": "slow", "goto": "pause" },
          { "when": { "kind": "fast", "n": 1 }, "goto": "quick" },
          { "when": { "kind": "fast", "n": 1 }, "goto": "second" },
          { "when": null, "goto": "nothing" }
        ]
        """;

    private static async Task<Outcome> Run(string value, string? fallback = null)
    {
        var json = $$"""{ "value": {{value}}, "cases": {{Cases}} {{(fallback is null ? "" : $", \"default\": \"{fallback}\"")}} }""";
        return await new SwitchTask().PerformAsync(For(json), default);
    }

    [Fact]
    public async Task Switch_chooses_the_first_case_that_deep_equals_the_value()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Run("""{ "n": 1, "kind": "fast" }"""));
        Assert.Equal(["quick"], outcome.ChosenSuccessors);
        AssertJson("""{ "value": { "n": 1, "kind": "fast" }, "branch": "quick" }""", outcome.Value);
    }

    [Fact]
    public async Task Switch_matches_a_null_value()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Run("null"));
        Assert.Equal(["nothing"], outcome.ChosenSuccessors);
    }

    [Fact]
    public async Task Switch_does_not_match_a_string_against_a_number()
    {
        var outcome = await new SwitchTask().PerformAsync(For("""{ "value": "1", "cases": [{ "when": 1, "goto": "one" }], "default": "other" }"""), default);
        Assert.Equal(["other"], Assert.IsType<ResultOutcome>(outcome).ChosenSuccessors);
    }

    [Fact]
    public async Task Switch_compares_numbers_by_value()
    {
        var outcome = await new SwitchTask().PerformAsync(For("""{ "value": 1.0, "cases": [{ "when": 1, "goto": "one" }] }"""), default);
        Assert.Equal(["one"], Assert.IsType<ResultOutcome>(outcome).ChosenSuccessors);
    }

    [Fact]
    public async Task Switch_with_no_match_takes_the_default()
    {
        var outcome = Assert.IsType<ResultOutcome>(await Run("\"medium\"", fallback: "other"));
        Assert.Equal(["other"], outcome.ChosenSuccessors);
        AssertJson("""{ "value": "medium", "branch": "other" }""", outcome.Value);
    }

    [Fact]
    public async Task Switch_with_no_match_and_no_default_fails_naming_the_value()
    {
        var error = AssertFails(await Run("\"medium\""), "\"medium\"", "task_params.default", "\"slow\" -> pause", "-> quick");
        Assert.Contains("no case matches", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "cases": [] }""", "task_params.value")]
    [InlineData("""{ "value": 1 }""", "task_params.cases")]
    [InlineData("""{ "value": 1, "cases": {} }""", "task_params.cases")]
    [InlineData("""{ "value": 1, "cases": [{ "goto": "a" }] }""", "task_params.cases[0]")]
    [InlineData("""{ "value": 1, "cases": [{ "when": 1, "goto": "a" }, { "when": 2 }] }""", "task_params.cases[1].goto")]
    [InlineData("""{ "value": 1, "cases": [], "default": 3 }""", "task_params.default")]
    public async Task Switch_with_bad_params_fails_naming_the_param(string json, string named)
    {
        AssertFails(await new SwitchTask().PerformAsync(For(json), default), named);
    }
}
