using System.Text.Json.Nodes;
using FlowMachine.Specs;
using static FlowMachine.Tests.Specs.SpecAssert;

namespace FlowMachine.Tests.Specs;

public class SpecCompilerValidationTests
{
    [Fact]
    public void Unknown_task_type_is_refused_pointing_to_the_catalogue()
    {
        var errors = Invalid("""{ "tasks": [ { "key": "a", "task_type": "noop" }, { "key": "b", "task_type": "prnt" } ] }""");
        var error = HasError(errors, "tasks[1].task_type", "'prnt'", "not registered", "flowmachine tasks", "Did you mean 'print'");
        Assert.Single(errors);
        Assert.Null(error.Line);
    }

    [Fact]
    public void Unknown_bare_task_name_is_refused_at_its_index()
    {
        HasError(Invalid("tasks: [test.One, test.Nope]"), "tasks[1]", "'test.Nope'", "not registered");
    }

    [Fact]
    public void Unknown_precursor_is_refused_listing_known_keys()
    {
        var errors = Invalid("""
            tasks:
              - { key: a, task_type: noop }
              - { key: b, task_type: noop, precursors: [a, c] }
            """);
        HasError(errors, "tasks[1].precursors[1]", "Unknown precursor 'c'", "Known keys: a, b");
    }

    [Fact]
    public void Precursor_equal_to_itself_is_refused()
    {
        HasError(Invalid("""{ "tasks": [ { "key": "a", "task_type": "noop", "precursors": ["a"] } ] }"""), "tasks[0].precursors[0]", "itself");
    }

    [Fact]
    public void Cyclic_precursors_are_refused_naming_the_cycle()
    {
        var errors = Invalid("""
            tasks:
              - { key: start, task_type: noop }
              - { key: a, task_type: noop, precursors: [c] }
              - { key: b, task_type: noop, precursors: [a] }
              - { key: c, task_type: noop, precursors: [b] }
            """);
        var error = HasError(errors, "tasks[1].precursors", "cycle", "a -> b -> c -> a");
        Assert.Single(errors);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Two_task_cycle_is_reported_once()
    {
        var errors = Invalid("""{ "tasks": [ { "key": "a", "task_type": "noop", "precursors": ["b"] }, { "key": "b", "task_type": "noop" } ] }""");
        var error = HasError(errors, "tasks[0].precursors", "a -> b -> a");
        Assert.Single(errors);
        Assert.NotNull(error);
    }

    [Fact]
    public void Duplicate_keys_are_refused_naming_the_first_index()
    {
        var errors = Invalid("""
            tasks:
              - { key: a, task_type: noop }
              - { key: b, task_type: noop }
              - { key: a, task_type: noop }
            """);
        HasError(errors, "tasks[2].key", "Duplicate key 'a'", "tasks[0]");
    }

    [Fact]
    public void Bare_name_colliding_with_an_explicit_key_is_a_duplicate()
    {
        HasError(Invalid("""{ "tasks": [ { "key": "noop", "task_type": "print" }, "noop" ] }"""), "tasks[1]", "Duplicate key 'noop'", "tasks[0]");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("a$b")]
    [InlineData("x[0]")]
    public void Keys_with_characters_outside_the_allowed_set_are_refused(string key)
    {
        var spec = new JsonObject { ["tasks"] = new JsonArray(new JsonObject { ["key"] = key, ["task_type"] = "noop" }) };
        var errors = SpecCompiler.Compile(spec, TestCatalog.Create()).Errors;
        HasError(errors, "tasks[0].key", "letters, digits and _ - . #");
    }

    [Fact]
    public void Allowed_key_characters_are_accepted()
    {
        var spec = Valid("""{ "tasks": [ { "key": "Step_1-a.b#2", "task_type": "noop" } ] }""");
        Assert.Equal("Step_1-a.b#2", spec.Tasks[0].Key);
    }

    [Theory]
    [InlineData("""{ "label": 5, "tasks": ["noop"] }""", "label")]
    [InlineData("""{ "key": [], "tasks": ["noop"] }""", "key")]
    [InlineData("""{ "cfg": "fast", "tasks": ["noop"] }""", "cfg")]
    [InlineData("""{ "cfg": { "fail_fast": "no" }, "tasks": ["noop"] }""", "cfg.fail_fast")]
    [InlineData("""{ "cfg": { "timeout": "10s" }, "tasks": ["noop"] }""", "cfg.timeout")]
    [InlineData("""{ "cfg": { "timeout": 0 }, "tasks": ["noop"] }""", "cfg.timeout")]
    [InlineData("""{ "cfg": { "retry": 3 }, "tasks": ["noop"] }""", "cfg.retry")]
    [InlineData("""{ "cfg": { "retry": { "attempts": 0 } }, "tasks": ["noop"] }""", "cfg.retry.attempts")]
    [InlineData("""{ "data": [1], "tasks": ["noop"] }""", "data")]
    [InlineData("""{ "tasks": "noop" }""", "tasks")]
    [InlineData("""{ "tasks": [5] }""", "tasks[0]")]
    [InlineData("""{ "tasks": [null] }""", "tasks[0]")]
    [InlineData("""{ "tasks": [""] }""", "tasks[0]")]
    [InlineData("""{ "tasks": [ { "key": 1, "task_type": "noop" } ] }""", "tasks[0].key")]
    [InlineData("""{ "tasks": [ { "key": "", "task_type": "noop" } ] }""", "tasks[0].key")]
    [InlineData("""{ "tasks": [ { "key": "ROOT", "task_type": "noop" } ] }""", "tasks[0].key")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": true } ] }""", "tasks[0].task_type")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "" } ] }""", "tasks[0].task_type")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "task_params": "x" } ] }""", "tasks[0].task_params")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "task_params": [1, 2] } ] }""", "tasks[0].task_params")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "precursors": "ROOT" } ] }""", "tasks[0].precursors")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "precursors": [1] } ] }""", "tasks[0].precursors[0]")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "retry": { "attempts": 1.5 } } ] }""", "tasks[0].retry.attempts")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "retry": { "attempts": "3" } } ] }""", "tasks[0].retry.attempts")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "retry": { "delay": -1 } } ] }""", "tasks[0].retry.delay")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "retry": { "factor": 0.5 } } ] }""", "tasks[0].retry.factor")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "retry": { "max_delay": "1m" } } ] }""", "tasks[0].retry.max_delay")]
    [InlineData("""{ "tasks": [ { "key": "a", "task_type": "noop", "timeout": -5 } ] }""", "tasks[0].timeout")]
    public void Wrong_types_and_values_are_refused_at_their_path(string text, string path)
    {
        HasError(Invalid(text), path);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"\"")]
    [InlineData("\"GPU\"")]
    [InlineData("\"-gpu\"")]
    [InlineData("\"gpu pool\"")]
    [InlineData("\"gpu/1\"")]
    public void A_queue_that_is_not_a_queue_name_is_refused_at_its_path(string queue)
    {
        var errors = Invalid($$"""{ "tasks": [ "noop", "noop", { "key": "a", "task_type": "noop", "queue": {{queue}} } ] }""");
        HasError(errors, "tasks[2].queue", queue == "5" ? "must be a queue name" : "not a valid queue name");
    }

    [Fact]
    public void A_queue_name_is_kept_on_its_step()
    {
        var spec = Valid("""{ "tasks": [ { "key": "a", "task_type": "noop", "queue": "gpu.big_1-a" }, { "key": "b", "task_type": "noop" } ] }""");
        Assert.Equal(["gpu.big_1-a", null], spec.Tasks.Select(t => t.Queue));
        Assert.True(FlowMachine.Routing.QueueNames.IsValid("q" + new string('x', 63)));
        Assert.False(FlowMachine.Routing.QueueNames.IsValid("q" + new string('x', 64)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("\"soon\"")]
    [InlineData("\"-1s\"")]
    [InlineData("true")]
    public void A_schedule_to_start_that_is_not_a_duration_is_refused_at_its_path(string value)
    {
        var errors = Invalid($$"""{ "cfg": { "schedule_to_start": {{value}} }, "tasks": [ { "key": "a", "task_type": "noop", "schedule_to_start": {{value}} } ] }""");
        HasError(errors, "cfg.schedule_to_start", "'schedule_to_start' must be a duration greater than 0");
        HasError(errors, "tasks[0].schedule_to_start", "'schedule_to_start' must be a duration greater than 0");
    }

    [Fact]
    public void A_schedule_to_start_is_kept_in_seconds_on_its_step_and_in_cfg_and_survives_the_stored_form()
    {
        var spec = Valid("""{ "cfg": { "schedule_to_start": "5m" }, "tasks": [ { "key": "a", "task_type": "noop", "schedule_to_start": "30s" }, { "key": "b", "task_type": "noop", "schedule_to_start": 1.5 }, { "key": "c", "task_type": "noop" } ] }""");
        Assert.Equal(300, spec.Cfg.ScheduleToStartSeconds);
        Assert.Equal([30, 1.5, null], spec.Tasks.Select(t => t.ScheduleToStartSeconds));
        var again = SpecJson.Deserialize(SpecJson.Serialize(spec));
        Assert.Equal(300, again.Cfg.ScheduleToStartSeconds);
        Assert.Equal([30, 1.5, null], again.Tasks.Select(t => t.ScheduleToStartSeconds));
    }

    [Fact]
    public void Missing_key_and_task_type_are_required()
    {
        var errors = Invalid("""{ "tasks": [ { "task_params": {} } ] }""");
        HasError(errors, "tasks[0].key", "required");
        HasError(errors, "tasks[0].task_type", "required");
    }

    [Fact]
    public void Missing_or_empty_tasks_are_refused()
    {
        HasError(Invalid("""{ "label": "x" }"""), "tasks", "required");
        HasError(Invalid("""{ "tasks": [] }"""), "tasks", "at least one task");
        HasError(Invalid("[]"), "$", "at least one task");
    }

    [Fact]
    public void Unknown_fields_are_refused_by_name_with_a_suggestion()
    {
        var errors = Invalid("""
            lable: typo
            cfg: { failfast: false }
            tasks:
              - { key: a, tsk_type: noop, task_type: noop, retry: { attempt: 2 } }
            """);
        HasError(errors, "lable", "Unknown field 'lable'", "Did you mean 'label'");
        HasError(errors, "cfg.failfast", "Unknown field 'failfast'", "'fail_fast'");
        var taskError = HasError(errors, "tasks[0].tsk_type", "Unknown field 'tsk_type'", "'task_type'");
        HasError(errors, "tasks[0].retry.attempt", "Unknown field 'attempt'", "'attempts'");
        Assert.Equal(4, taskError.Line);
        Assert.Equal(1, errors.Single(e => e.Path == "lable").Line);
    }

    [Fact]
    public void All_errors_are_collected_not_just_the_first()
    {
        var errors = Invalid("""
            {
              "cfg": { "fail_fast": 1 },
              "tasks": [
                { "key": "a", "task_type": "nope" },
                { "key": "a b", "task_type": "noop", "precursors": ["zzz"] },
                { "key": "c", "task_type": "noop", "task_params": 3 }
              ]
            }
            """);
        HasError(errors, "cfg.fail_fast");
        HasError(errors, "tasks[0].task_type");
        HasError(errors, "tasks[1].key");
        HasError(errors, "tasks[1].precursors[0]", "zzz");
        HasError(errors, "tasks[2].task_params");
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Broken_json_names_the_line_and_the_parser_message()
    {
        var errors = Invalid("{\n  \"tasks\": [\n    \"noop\"\n    \"print\"\n  ]\n}");
        var error = HasError(errors, "$", "JSON is not valid");
        Assert.Equal(4, error.Line);
        Assert.Contains("line 4", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_yaml_names_the_line_and_the_parser_message()
    {
        var errors = Invalid("label: x\ntasks:\n  - noop\n  - print\n bad: [\n");
        var error = HasError(errors, "$", "YAML is not valid");
        Assert.Equal(5, error.Line);
        Assert.DoesNotContain("Idx:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_the_parser_chokes_on_still_gives_an_error_with_a_line()
    {
        // YamlDotNet throws InvalidOperationException (not YamlException) for this unclosed flow mapping.
        var errors = Invalid("label: x\ntasks:\n  - noop\n  - { key: a, task_type: noop\n  - print\n");
        var error = HasError(errors, "$", "YAML is not valid");
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void Yaml_duplicate_mapping_keys_are_refused_with_a_line()
    {
        var error = HasError(Invalid("tasks: [noop]\nlabel: a\nlabel: b\n"), "$", "repeats the key 'label'");
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Json_duplicate_properties_are_refused()
    {
        HasError(Invalid("""{ "tasks": ["noop"], "tasks": ["print"] }"""), "$", "JSON is not valid");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("# only a comment\n")]
    [InlineData("null")]
    [InlineData("~")]
    public void Empty_text_is_refused_clearly(string text)
    {
        HasError(Invalid(text), "$", "empty");
    }

    [Theory]
    [InlineData("42")]
    [InlineData("just words")]
    [InlineData("\"quoted\"")]
    public void Scalar_documents_are_refused(string text)
    {
        HasError(Invalid(text), "$", "must be an object");
    }

    [Fact]
    public void Null_text_is_refused_as_empty()
    {
        HasError(SpecCompiler.Compile((string)null!, TestCatalog.Create()).Errors, "$", "empty");
    }

    [Fact]
    public void Null_document_is_refused()
    {
        var result = SpecCompiler.Compile((JsonNode?)null, TestCatalog.Create());
        HasError(result.Errors, "$", "empty");
    }

    [Fact]
    public void Deep_nesting_is_capped_for_json_yaml_and_nodes()
    {
        var deepJson = "{ \"tasks\": [\"noop\"], \"data\": " + new string('[', 200) + new string(']', 200) + " }";
        HasError(Invalid(deepJson), "$", "depth");

        var deepYaml = "tasks: [noop]\ndata: " + new string('[', 10_000) + new string(']', 10_000) + "\n";
        HasError(Invalid(deepYaml), "$", "deeper than 64");

        JsonNode inner = new JsonArray();
        for (var i = 0; i < 100; i++)
        {
            inner = new JsonArray(inner);
        }

        var node = new JsonObject { ["tasks"] = new JsonArray("noop"), ["data"] = new JsonObject { ["x"] = inner } };
        var errors = SpecCompiler.Compile(node, TestCatalog.Create()).Errors;
        var error = Assert.Single(errors);
        Assert.StartsWith("data.x", error.Path, StringComparison.Ordinal);
        Assert.Contains("deeper than 64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_alias_bombs_are_refused()
    {
        var bomb = string.Join('\n', new[]
        {
            "a: &a [x, x, x, x, x, x, x, x, x, x]",
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
            "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]",
            "tasks: [noop]",
        });
        HasError(Invalid(bomb), "$", "aliases");
    }

    [Fact]
    public void Yaml_anchors_and_aliases_within_limits_work()
    {
        var spec = Valid("""
            data:
              base: &base { region: eu, size: 3 }
              copy: *base
            tasks: [noop]
            """);
        Assert.Equal("eu", spec.Data["copy"]!["region"]!.GetValue<string>());
    }

    [Fact]
    public void Yaml_numbers_where_text_is_expected_get_a_quoting_hint()
    {
        HasError(Invalid("tasks:\n  - { key: 1, task_type: noop }\n"), "tasks[0].key", "not a number", "Quote it", "\"1\"");
    }

    [Fact]
    public void Lone_surrogates_are_refused_with_a_line()
    {
        var error = HasError(Invalid("tasks:\n  - noop\n  - \ud800x\n"), "$", "not valid Unicode");
        Assert.Equal(3, error.Line);
        HasError(Invalid("{ \"tasks\": [\"\udc00\"] }"), "$", "not valid Unicode");
    }

    [Fact]
    public void Odd_field_names_are_quoted_in_error_paths()
    {
        var errors = Invalid("""{ "": 1, "a b": 2, "tasks": [ { "key": "k", "task_type": "noop", "x.y": 3 } ] }""");
        HasError(errors, "$[\"\"]", "Unknown field");
        HasError(errors, "$[\"a b\"]", "Unknown field 'a b'");
        HasError(errors, "tasks[0][\"x.y\"]", "Unknown field 'x.y'");
    }
}
