using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

public sealed class RunCommandTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Seed004_prints_in_order_and_completes()
    {
        var result = await cli.RunAsync("run", CliFixture.Spec("seed004.yaml"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var one = result.Out.IndexOf("I am task_1.", StringComparison.Ordinal);
        var two = result.Out.IndexOf("I am task_2.", StringComparison.Ordinal);
        Assert.True(one >= 0 && two > one, result.ToString());
        Assert.Contains("✓ task_1  COMPLETED  (attempt 1)", result.Out, StringComparison.Ordinal);
        Assert.Contains("COMPLETED", result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_puts_only_the_flow_document_on_stdout()
    {
        var (result, json) = await cli.JsonAsync("run", CliFixture.Spec("seed004.json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("COMPLETED", (string?)json["state"]);
        var steps = json["steps"]!.AsArray();
        Assert.Equal(["task_1", "task_2"], steps.Select(s => (string?)s!["key"]));
        Assert.All(steps, s => Assert.Equal("COMPLETED", (string?)s!["state"]));
        Assert.StartsWith("{", result.Out, StringComparison.Ordinal); // parsed as one document above, so nothing else is on stdout
        Assert.Contains("I am task_1.", result.Err, StringComparison.Ordinal); // task logs moved to stderr
    }

    [Fact]
    public async Task Input_pairs_reach_the_task_as_json_with_nesting()
    {
        var spec = cli.WriteSpec("one.yaml", "tasks: [test.One]\n");

        var (result, json) = await cli.JsonAsync("run", spec, "--input", "a=1", "--input", "b.c=x", "--input", "flag=true", "--input", "obj={\"k\":[1,2]}");

        Assert.True(result.ExitCode == 0, result.ToString());
        var seen = json["steps"]![0]!["result"]!["input"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":1,"b":{"c":"x"},"flag":true,"obj":{"k":[1,2]}}"""), seen), seen.ToJsonString());
    }

    [Fact]
    public async Task Input_json_is_merged_with_pairs()
    {
        var spec = cli.WriteSpec("one.yaml", "tasks: [test.One]\n");

        var (result, json) = await cli.JsonAsync("run", spec, "--input-json", """{"a":{"x":1}}""", "--input", "a.y=2");

        Assert.Equal(0, result.ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":{"x":1,"y":2}}"""), json["steps"]![0]!["result"]!["input"]));
    }

    [Fact]
    public async Task A_failing_spec_exits_2_with_the_error()
    {
        var spec = cli.WriteSpec("fail.yaml", """
            tasks:
              - { key: first, task_type: noop }
              - { key: boom, task_type: fail, task_params: { error: it broke } }
              - { key: never, task_type: noop }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("✗ boom  FAILED", result.Out, StringComparison.Ordinal);
        Assert.Contains("it broke", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_task_type_exits_1_naming_the_path_and_stores_nothing()
    {
        var spec = cli.WriteSpec("bad.yaml", """
            tasks:
              - { key: a, task_type: noop }
              - { key: b, task_type: no.such.task }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("tasks[1].task_type", result.Err, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
        var (_, list) = await cli.JsonAsync("flows", "list");
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_cycle_exits_1_naming_the_path()
    {
        var spec = cli.WriteSpec("cycle.yaml", """
            tasks:
              - { key: a, task_type: noop, precursors: [b] }
              - { key: b, task_type: noop, precursors: [a] }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("precursors", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_spec_file_is_a_usage_error()
    {
        var result = await cli.RunAsync("run", Path.Combine(cli.Folder, "nope.yaml"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not exist", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_task_folder_is_a_usage_error()
    {
        var result = await cli.RunAsync("run", CliFixture.Spec("seed004.yaml"), "--tasks", Path.Combine(cli.Folder, "no-such-folder"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-folder", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_examples_refuses_the_sample_tasks()
    {
        var result = await cli.RunAsync("run", CliFixture.Spec("seed000.yaml"), "--no-examples");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("test.One", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parse_error_exits_1_with_the_message()
    {
        var result = await cli.RunAsync("run", "--bogus");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--bogus", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["--version"], stdout, stderr, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.ToString());
    }

    [Fact]
    public async Task A_malformed_input_pair_is_a_usage_error()
    {
        var result = await cli.RunAsync("run", CliFixture.Spec("seed004.yaml"), "--input", "novalue");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("key=value", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_folder_is_created_and_the_env_variable_names_the_file()
    {
        var nested = Path.Combine(cli.Folder, "a", "b", "env.db");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Environment.SetEnvironmentVariable("FLOWMACHINE_DB", nested);
        try
        {
            // No --db: the variable decides (every other test passes --db, which wins over it).
            var code = await CliApp.RunAsync(["run", CliFixture.Spec("seed004.yaml")], stdout, stderr, CancellationToken.None);
            Assert.True(code == 0, $"{stdout}\n{stderr}");
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLOWMACHINE_DB", null);
        }

        Assert.True(File.Exists(nested));
    }

    [Fact]
    public async Task Retries_are_waited_for_and_shown()
    {
        var spec = cli.WriteSpec("retry.yaml", """
            tasks:
              - { key: flaky, task_type: fail, task_params: { error: still broken }, retry: { attempts: 2, delay: 0.1 } }
            """);

        var result = await cli.RunAsync("run", spec);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("↻ flaky  RETRY  (attempt 1 failed: still broken", result.Out, StringComparison.Ordinal);
        Assert.Contains("✗ flaky  FAILED  (attempt 2)", result.Out, StringComparison.Ordinal);
    }
}
