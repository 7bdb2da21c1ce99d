using System.Text.Json.Nodes;
using FlowMachine.BuiltIns;
using static FlowMachine.Tests.BuiltIns.TestContexts;

namespace FlowMachine.Tests.BuiltIns;

public class ChildFlowTaskTests
{
    private const string InlineSpec = """{ "label": "child", "tasks": [{ "key": "show", "task_type": "print", "task_params": { "msg": "$input" } }] }""";

    [Fact]
    public async Task Flow_with_a_routine_spawns_that_routine_version_with_the_input()
    {
        var outcome = Assert.IsType<SpawnOutcome>(await new ChildFlowTask().PerformAsync(For("""{ "routine": "billing", "version": 3, "input": { "id": 7 } }"""), default));
        Assert.False(outcome.Collect);
        var child = Assert.Single(outcome.Children);
        Assert.Equal("billing", child.Routine);
        Assert.Equal(3, child.Version);
        AssertJson("""{ "id": 7 }""", child.Input);
    }

    [Fact]
    public async Task Flow_with_a_spec_spawns_the_inline_spec()
    {
        var outcome = Assert.IsType<SpawnOutcome>(await new ChildFlowTask().PerformAsync(For($$"""{ "spec": {{InlineSpec}}, "input": 5 }"""), default));
        var child = Assert.Single(outcome.Children);
        AssertJson(InlineSpec, child.Spec);
        AssertJson("5", child.Input);
        Assert.Null(child.Routine);
    }

    [Theory]
    [InlineData("{}", "task_params.routine")]
    [InlineData("""{ "routine": "a", "spec": {} }""", "not both")]
    [InlineData("""{ "routine": 4 }""", "task_params.routine")]
    [InlineData("""{ "spec": "yaml text" }""", "task_params.spec")]
    [InlineData("""{ "routine": "a", "version": 0 }""", "task_params.version")]
    [InlineData("""{ "spec": {}, "version": 2 }""", "task_params.version")]
    public async Task Flow_with_bad_params_fails_naming_the_param(string json, string named)
    {
        AssertFails(await new ChildFlowTask().PerformAsync(For(json), default), named);
    }

    [Fact]
    public async Task Spread_over_a_task_type_gives_each_child_params_plus_item_and_index()
    {
        var outcome = Assert.IsType<SpawnOutcome>(await new SpreadTask().PerformAsync(
            For("""{ "items": ["red", { "c": "green" }], "task_type": "test.One", "params": { "palette": "primary" } }"""), default));

        Assert.True(outcome.Collect);
        Assert.Equal(2, outcome.Children.Count);
        Assert.All(outcome.Children, c => Assert.Equal("test.One", c.TaskType));
        AssertJson("""{ "palette": "primary", "item": "red", "index": 0 }""", outcome.Children[0].Args);
        AssertJson("""{ "palette": "primary", "item": { "c": "green" }, "index": 1 }""", outcome.Children[1].Args);
    }

    [Fact]
    public async Task Spread_over_a_routine_gives_each_child_flow_its_item_as_input()
    {
        var outcome = Assert.IsType<SpawnOutcome>(await new SpreadTask().PerformAsync(For("""{ "items": [1, 2, 3], "routine": "square", "version": 2 }"""), default));
        Assert.Equal(3, outcome.Children.Count);
        Assert.All(outcome.Children, c => Assert.Equal(("square", (int?)2), (c.Routine, c.Version)));
        Assert.Equal(["1", "2", "3"], outcome.Children.Select(c => c.Input!.ToJsonString()));
    }

    [Fact]
    public async Task Spread_over_a_spec_gives_each_child_its_own_copy_of_the_spec()
    {
        var outcome = Assert.IsType<SpawnOutcome>(await new SpreadTask().PerformAsync(For($$"""{ "items": ["a", "b"], "spec": {{InlineSpec}} }"""), default));
        Assert.Equal(2, outcome.Children.Count);
        AssertJson(InlineSpec, outcome.Children[1].Spec);
        Assert.NotSame(outcome.Children[0].Spec, outcome.Children[1].Spec);
        AssertJson("\"b\"", outcome.Children[1].Input);
    }

    [Fact]
    public async Task Spread_over_no_items_completes_at_once_with_an_empty_array()
    {
        var outcome = Assert.IsType<ResultOutcome>(await new SpreadTask().PerformAsync(For("""{ "items": [], "task_type": "noop" }"""), default));
        AssertJson("[]", outcome.Value);
    }

    [Fact]
    public async Task Spread_over_more_than_max_items_fails()
    {
        var items = new JsonArray([.. Enumerable.Range(0, 11).Select(i => (JsonNode?)i)]);
        var parameters = new JsonObject { ["items"] = items, ["task_type"] = "noop", ["max_items"] = 10 };
        AssertFails(await new SpreadTask().PerformAsync(For(parameters), default), "11 items", "task_params.max_items (10)");
    }

    [Theory]
    [InlineData("""{ "task_type": "noop" }""", "task_params.items")]
    [InlineData("""{ "items": {}, "task_type": "noop" }""", "task_params.items")]
    [InlineData("""{ "items": [1] }""", "task_params.routine")]
    [InlineData("""{ "items": [1], "task_type": "noop", "routine": "r" }""", "not both")]
    [InlineData("""{ "items": [1], "task_type": "noop", "params": [1] }""", "task_params.params")]
    [InlineData("""{ "items": [1], "routine": "r", "params": {} }""", "task_params.params")]
    [InlineData("""{ "items": [1], "task_type": "noop", "max_items": 0 }""", "task_params.max_items")]
    [InlineData("""{ "items": [], "task_type": 7 }""", "task_params.task_type")]
    public async Task Spread_with_bad_params_fails_naming_the_param(string json, string named)
    {
        AssertFails(await new SpreadTask().PerformAsync(For(json), default), named);
    }
}
