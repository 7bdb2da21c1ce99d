using System.Text.Json.Nodes;
using FlowMachine.Specs;

namespace FlowMachine.Tests.Specs;

public class SpecCompilerFormatTests
{
    // Seed 004's example flow spec, written as JSON.
    private const string SeedJson = """
        {
            "label": "example_flow",
            "key": "some-unique-key-12345",
            "cfg": { "fail_fast": false },
            "tasks": [
                { "key": "task_1", "task_type": "print", "task_params": { "msg": "I am task_1." } },
                { "key": "task_2", "task_type": "print", "task_params": { "msg": "I am task_2." } },
            ]
        }
        """;

    private const string SeedYaml = """
        label: example_flow
        key: some-unique-key-12345
        cfg:
          fail_fast: false
        tasks:
          - key: task_1
            task_type: print
            task_params: { msg: "I am task_1." }
          - key: task_2
            task_type: print
            task_params:
              msg: I am task_2.
        """;

    [Fact]
    public void Seed_example_spec_in_json_compiles_unchanged()
    {
        AssertSeedSpec(SpecAssert.Valid(SeedJson));
    }

    [Fact]
    public void Seed_example_spec_in_yaml_compiles_unchanged()
    {
        AssertSeedSpec(SpecAssert.Valid(SeedYaml));
    }

    [Fact]
    public void Json_and_yaml_forms_of_a_spec_serialize_identically()
    {
        Assert.Equal(SpecJson.Serialize(SpecAssert.Valid(SeedJson)), SpecJson.Serialize(SpecAssert.Valid(SeedYaml)));
    }

    [Fact]
    public void Json_comments_and_trailing_commas_are_allowed()
    {
        var spec = SpecAssert.Valid("""
            // a flow
            { "tasks": [ "noop", /* twice */ "noop", ], }
            """);
        Assert.Equal(2, spec.Tasks.Count);
    }

    [Fact]
    public void Architecture_example_with_data_and_explicit_precursors_compiles()
    {
        var spec = SpecAssert.Valid("""
            label: example_flow
            key: some-unique-key-12345        # optional
            cfg: { fail_fast: false }
            data: { greeting: hello }
            tasks:
              - { key: task_1, task_type: print, task_params: { msg: "I am task_1." } }
              - { key: task_2, task_type: print, task_params: { msg: "$tasks.task_1.result" }, precursors: [task_1] }
            """);
        Assert.Equal("hello", spec.Data["greeting"]!.GetValue<string>());
        Assert.Equal("$tasks.task_1.result", spec.Tasks[1].TaskParams["msg"]!.GetValue<string>());
        Assert.Equal(["task_1"], spec.Tasks[1].Precursors);
    }

    [Theory]
    [InlineData("\uFEFF{ \"tasks\": [\"noop\"] // bom\n }")]
    [InlineData("\uFEFFtasks: [noop]")]
    public void A_leading_byte_order_mark_is_ignored(string text)
    {
        Assert.Equal("noop", SpecAssert.Valid(text).Tasks[0].Key);
    }

    [Fact]
    public void Bare_name_list_is_a_linear_routine()
    {
        var spec = SpecAssert.Valid("tasks: [test.One, test.Two, test.Three]");
        Assert.Equal(["test.One", "test.Two", "test.Three"], spec.Tasks.Select(t => t.Key));
        Assert.Equal(["test.One", "test.Two", "test.Three"], spec.Tasks.Select(t => t.TaskType));
        Assert.Empty(spec.Tasks[0].Precursors);
        Assert.Equal(["test.One"], spec.Tasks[1].Precursors);
        Assert.Equal(["test.Two"], spec.Tasks[2].Precursors);
    }

    [Theory]
    [InlineData("[test.One, test.Two]")]
    [InlineData("[\"test.One\", \"test.Two\"]")]
    [InlineData("- test.One\n- test.Two\n")]
    public void Top_level_list_of_names_is_a_routine(string text)
    {
        var spec = SpecAssert.Valid(text);
        Assert.Equal(["test.One", "test.Two"], spec.Tasks.Select(t => t.Key));
        Assert.Equal(["test.One"], spec.Tasks[1].Precursors);
        Assert.True(spec.Cfg.FailFast);
    }

    [Fact]
    public void Repeated_bare_names_get_numbered_keys_and_run_each_time()
    {
        var spec = SpecAssert.Valid("tasks: [test.One, test.Two, test.One, test.One]");
        Assert.Equal(["test.One", "test.Two", "test.One#2", "test.One#3"], spec.Tasks.Select(t => t.Key));
        Assert.All(new[] { 0, 2, 3 }, i => Assert.Equal("test.One", spec.Tasks[i].TaskType));
        Assert.Equal(["test.One#2"], spec.Tasks[3].Precursors);
    }

    [Fact]
    public void Bare_names_and_objects_mix()
    {
        var spec = SpecAssert.Valid("""
            tasks:
              - test.One
              - { key: two, task_type: test.Two, precursors: [test.One] }
            """);
        Assert.Equal(["test.One"], spec.Tasks[1].Precursors);
    }

    [Fact]
    public void Tasks_without_precursors_follow_the_task_before()
    {
        var spec = SpecAssert.Valid("""
            tasks:
              - { key: a, task_type: noop }
              - { key: b, task_type: noop }
              - { key: c, task_type: noop }
            """);
        Assert.Empty(spec.Tasks[0].Precursors);
        Assert.Equal(["a"], spec.Tasks[1].Precursors);
        Assert.Equal(["b"], spec.Tasks[2].Precursors);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[ROOT]")]
    public void Empty_or_root_precursors_start_at_the_root(string precursors)
    {
        var spec = SpecAssert.Valid($$"""
            tasks:
              - { key: a, task_type: noop }
              - { key: b, task_type: noop, precursors: {{precursors}} }
            """);
        Assert.Empty(spec.Tasks[1].Precursors);
        Assert.DoesNotContain(spec.Tasks.SelectMany(t => t.Precursors), p => p == "ROOT");
    }

    [Fact]
    public void Several_precursors_are_kept_in_order_and_may_name_later_tasks()
    {
        var spec = SpecAssert.Valid("""
            tasks:
              - { key: join, task_type: noop, precursors: [left, right] }
              - { key: left, task_type: noop, precursors: [] }
              - { key: right, task_type: noop, precursors: [ROOT] }
            """);
        Assert.Equal(["left", "right"], spec.Tasks[0].Precursors);
    }

    [Fact]
    public void Cfg_retry_timeout_and_step_options_are_read()
    {
        var spec = SpecAssert.Valid("""
            {
              "cfg": { "fail_fast": false, "retry": { "attempts": 3, "delay": 0.5, "factor": 3, "max_delay": 10 }, "timeout": 30 },
              "tasks": [ { "key": "a", "task_type": "noop", "retry": { "attempts": 5 }, "timeout": 1.5 } ]
            }
            """);
        Assert.False(spec.Cfg.FailFast);
        Assert.Equal(new RetrySpec { MaxAttempts = 3, DelaySeconds = 0.5, Factor = 3, MaxDelaySeconds = 10 }, spec.Cfg.Retry);
        Assert.Equal(30, spec.Cfg.TimeoutSeconds);
        Assert.Equal(5, spec.Tasks[0].Retry!.MaxAttempts);
        Assert.Equal(1.5, spec.Tasks[0].TimeoutSeconds);
    }

    [Fact]
    public void Yaml_plain_scalars_become_typed_and_quoted_scalars_stay_strings()
    {
        var spec = SpecAssert.Valid("""
            data:
              i: 42
              neg: -7
              f: 2.5
              t: true
              n: null
              tilde: ~
              s: "42"
              q: 'true'
              word: hello
              big: 123456789012345678901234567890
            tasks: [noop]
            """);
        var data = spec.Data;
        Assert.Equal(42, data["i"]!.GetValue<long>());
        Assert.Equal(-7, data["neg"]!.GetValue<long>());
        Assert.Equal(2.5, data["f"]!.GetValue<double>());
        Assert.True(data["t"]!.GetValue<bool>());
        Assert.True(data.ContainsKey("n"));
        Assert.Null(data["n"]);
        Assert.Null(data["tilde"]);
        Assert.Equal("42", data["s"]!.GetValue<string>());
        Assert.Equal("true", data["q"]!.GetValue<string>());
        Assert.Equal("hello", data["word"]!.GetValue<string>());
        Assert.Equal(1.2345678901234568E+29, data["big"]!.GetValue<double>());
    }

    [Fact]
    public void Compile_accepts_an_already_parsed_document_without_changing_it()
    {
        var node = JsonNode.Parse("""{ "data": { "x": 1 }, "tasks": [ { "key": "a", "task_type": "noop", "task_params": { "y": [1] } } ] }""")!;
        var before = node.ToJsonString();
        var result = SpecCompiler.Compile(node, TestCatalog.Create());
        Assert.True(result.IsValid);
        Assert.Equal(before, node.ToJsonString());
        Assert.Null(result.Spec!.Data.Parent);
        Assert.Null(result.Spec.Tasks[0].TaskParams.Parent);
    }

    [Fact]
    public void GetOrThrow_returns_the_spec_or_throws_listing_every_error()
    {
        Assert.Equal("noop", SpecCompiler.Compile("[noop]", TestCatalog.Create()).GetOrThrow().Tasks[0].Key);
        var ex = Assert.Throws<SpecException>(() => SpecCompiler.Compile("[nope, nada]", TestCatalog.Create()).GetOrThrow());
        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("$[0]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("$[1]", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertSeedSpec(FlowSpec spec)
    {
        Assert.Equal("example_flow", spec.Label);
        Assert.Equal("some-unique-key-12345", spec.Key);
        Assert.False(spec.Cfg.FailFast);
        Assert.Empty(spec.Data);
        Assert.Equal(["task_1", "task_2"], spec.Tasks.Select(t => t.Key));
        Assert.All(spec.Tasks, t => Assert.Equal("print", t.TaskType));
        Assert.Equal("I am task_1.", spec.Tasks[0].TaskParams["msg"]!.GetValue<string>());
        Assert.Equal("I am task_2.", spec.Tasks[1].TaskParams["msg"]!.GetValue<string>());
        Assert.Empty(spec.Tasks[0].Precursors);
        Assert.Equal(["task_1"], spec.Tasks[1].Precursors);
    }
}
