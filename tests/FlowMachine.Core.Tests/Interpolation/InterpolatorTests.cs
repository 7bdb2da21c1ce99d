using System.Text.Json.Nodes;
using FlowMachine.Interpolation;

namespace FlowMachine.Tests.Interpolation;

public class InterpolatorTests
{
    private static readonly InterpolationScope Scope = new(
        JsonNode.Parse("""{ "name": "Ada", "n": 3, "items": [10, { "id": "x" }], "flag": true, "nothing": null, "obj": { "a": { "b": 1.5 } } }"""),
        new JsonObject { ["region"] = "eu", ["limits"] = new JsonObject { ["max"] = 7 } },
        new Dictionary<string, JsonNode?>
        {
            ["task_1"] = JsonValue.Create("done"),
            ["test.One"] = JsonNode.Parse("""{ "count": 2, "rows": [ { "v": "first" } ] }"""),
            ["test.One.extra"] = JsonNode.Parse("""{ "count": 99 }"""),
            ["test.One#2"] = JsonValue.Create(5),
            ["silent"] = null,
        });

    [Fact]
    public void Input_paths_resolve_with_their_json_types()
    {
        var result = Resolve(new JsonObject
        {
            ["whole"] = "$input",
            ["name"] = "$input.name",
            ["n"] = "$input.n",
            ["flag"] = "$input.flag",
            ["obj"] = "$input.obj",
            ["deep"] = "$input.obj.a.b",
        });
        Assert.True(JsonNode.DeepEquals(Scope.Input, result["whole"]));
        Assert.Equal("Ada", result["name"]!.GetValue<string>());
        Assert.Equal(3, result["n"]!.GetValue<int>());
        Assert.True(result["flag"]!.GetValue<bool>());
        Assert.IsType<JsonObject>(result["obj"]);
        Assert.Equal(1.5, result["deep"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("$input.items.0", "10")]
    [InlineData("$input.items[0]", "10")]
    [InlineData("$input.items.1.id", "\"x\"")]
    [InlineData("$input.items[1].id", "\"x\"")]
    [InlineData("$data.region", "\"eu\"")]
    [InlineData("$data.limits.max", "7")]
    [InlineData("$data", """{"region":"eu","limits":{"max":7}}""")]
    [InlineData("$tasks.task_1.result", "\"done\"")]
    [InlineData("$tasks.test.One.result.count", "2")]
    [InlineData("$tasks.test.One.result.rows[0].v", "\"first\"")]
    [InlineData("$tasks.test.One.extra.result.count", "99")]
    [InlineData("$tasks.test.One#2.result", "5")]
    public void Paths_into_input_data_and_results_resolve(string reference, string expectedJson)
    {
        var result = Resolve(new JsonObject { ["v"] = reference });
        Assert.Equal(expectedJson, result["v"]!.ToJsonString());
    }

    [Fact]
    public void Explicit_nulls_resolve_to_null()
    {
        var result = Resolve(new JsonObject { ["a"] = "$input.nothing", ["b"] = "$tasks.silent.result" });
        Assert.True(result.ContainsKey("a"));
        Assert.Null(result["a"]);
        Assert.Null(result["b"]);
    }

    [Fact]
    public void Nested_objects_and_arrays_are_resolved_and_the_source_is_untouched()
    {
        var source = new JsonObject
        {
            ["outer"] = new JsonObject { ["list"] = new JsonArray("$input.n", "plain", 4, new JsonObject { ["r"] = "$data.region" }) },
        };
        var before = source.ToJsonString();
        var result = Resolve(source);
        Assert.Equal("""{"outer":{"list":[3,"plain",4,{"r":"eu"}]}}""", result.ToJsonString());
        Assert.Equal(before, source.ToJsonString());
        Assert.NotSame(source["outer"], result["outer"]);
    }

    [Fact]
    public void Resolved_values_are_copies_not_shared_with_the_scope()
    {
        var result = Resolve(new JsonObject { ["o"] = "$input.obj" });
        result["o"]!["a"] = 0;
        Assert.Equal(1.5, Scope.Input!["obj"]!["a"]!["b"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("\\$input.name", "$input.name")]
    [InlineData("\\$5.00", "$5.00")]
    [InlineData("\\${input.name}", "${input.name}")]
    [InlineData("cost: \\${x}", "cost: ${x}")]
    public void Backslash_dollar_is_a_literal_dollar(string text, string expected)
    {
        Assert.Equal(expected, Resolve(new JsonObject { ["v"] = text })["v"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Hello ${input.name}!", "Hello Ada!")]
    [InlineData("${input.name}", "Ada")]
    [InlineData("n=${input.n}, flag=${input.flag}, none=${input.nothing}", "n=3, flag=true, none=null")]
    [InlineData("obj ${input.obj.a} list ${input.items}", """obj {"b":1.5} list [10,{"id":"x"}]""")]
    [InlineData("${ data.region }-${tasks.test.One.result.count}", "eu-2")]
    [InlineData("\\$ and ${input.name}", "$ and Ada")]
    public void Templates_embed_values_as_text(string text, string expected)
    {
        Assert.Equal(expected, Resolve(new JsonObject { ["v"] = text })["v"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("plain text")]
    [InlineData("costs 5$")]
    [InlineData("")]
    [InlineData("C:\\path")]
    public void Plain_strings_and_other_values_are_copied_unchanged(string text)
    {
        var result = Resolve(new JsonObject { ["s"] = text, ["n"] = 1, ["b"] = false, ["z"] = null });
        Assert.Equal(text, result["s"]!.GetValue<string>());
        Assert.Equal("""{"n":1,"b":false,"z":null}""", new JsonObject { ["n"] = result["n"]!.DeepClone(), ["b"] = result["b"]!.DeepClone(), ["z"] = null }.ToJsonString());
    }

    [Theory]
    [InlineData("$input.missing", "input.missing", "no property 'missing'")]
    [InlineData("$input.items.5", "items", "out of range")]
    [InlineData("$input.items[9]", "items", "out of range")]
    [InlineData("$input.items.x", "items", "not an index")]
    [InlineData("$input.name.first", "input.name", "single value")]
    [InlineData("$input.nothing.x", "nothing", "null")]
    [InlineData("$data.nope", "data", "no property 'nope'")]
    [InlineData("$tasks.unknown.result", "unknown", "no result")]
    [InlineData("$tasks.task_1", "task_1", ".result")]
    [InlineData("$tasks.test.One.count", "test.One", ".result")]
    [InlineData("$tasks.test.One.result.nope", "test.One", "no property 'nope'")]
    [InlineData("$tasks", "$tasks", "step key")]
    [InlineData("$5.00", "$5.00", "\\$")]
    [InlineData("$inputs.x", "$inputs.x", "$input")]
    public void Missing_paths_throw_naming_the_param_and_the_reference(string reference, string mentions, string reason)
    {
        var ex = Assert.Throws<InterpolationException>(() => Resolve(new JsonObject { ["msg"] = reference }));
        Assert.Equal("task_params.msg", ex.ParamPath);
        Assert.Equal(reference, ex.Reference);
        Assert.Contains("task_params.msg", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reference, ex.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_inside_nested_params_and_templates_name_the_nested_param_path()
    {
        var ex = Assert.Throws<InterpolationException>(() => Resolve(new JsonObject
        {
            ["body"] = new JsonObject { ["items"] = new JsonArray("ok", "Hi ${input.nope}") },
        }));
        Assert.Equal("task_params.body.items[1]", ex.ParamPath);
        Assert.Equal("${input.nope}", ex.Reference);
    }

    [Fact]
    public void Unclosed_template_throws()
    {
        var ex = Assert.Throws<InterpolationException>(() => Resolve(new JsonObject { ["m"] = "Hi ${input.name" }));
        Assert.Contains("not closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_that_has_not_completed_cannot_be_referenced()
    {
        var scope = Scope with { Results = new Dictionary<string, JsonNode?>() };
        var ex = Assert.Throws<InterpolationException>(() => Interpolator.Resolve(new JsonObject { ["m"] = "$tasks.task_1.result" }, scope));
        Assert.Contains("task_1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_input_resolves_as_a_whole_but_not_into()
    {
        var scope = Scope with { Input = null };
        Assert.Null(Interpolator.Resolve(new JsonObject { ["i"] = "$input" }, scope)["i"]);
        Assert.Throws<InterpolationException>(() => Interpolator.Resolve(new JsonObject { ["i"] = "$input.x" }, scope));
    }

    private static JsonObject Resolve(JsonObject taskParams) => Interpolator.Resolve(taskParams, Scope);
}
