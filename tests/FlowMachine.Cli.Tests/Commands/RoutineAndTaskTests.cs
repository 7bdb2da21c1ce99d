using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

public sealed class RoutineAndTaskTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Routines_are_versioned_and_an_unchanged_spec_keeps_its_version()
    {
        var file = cli.WriteSpec("egg.yaml", "label: egg\ntasks: [test.One, test.Two]\n");

        var (first, added) = await cli.JsonAsync("routines", "add", "egg", file);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, (int?)added["version"]);

        var same = await cli.RunAsync("routines", "add", "egg", file);
        Assert.Contains("version 1 (unchanged)", same.Out, StringComparison.Ordinal);

        File.WriteAllText(file, "label: egg\ntasks: [test.One, test.Two, test.Three]\n");
        var (_, changed) = await cli.JsonAsync("routines", "add", "egg", file);
        Assert.Equal(2, (int?)changed["version"]);
        Assert.Equal(true, (bool?)changed["changed"]);

        var (_, list) = await cli.JsonAsync("routines", "list");
        var only = Assert.Single(list.AsArray());
        Assert.Equal("egg", (string?)only!["name"]);
        Assert.Equal(2, (int?)only["version"]);

        var (_, v1) = await cli.JsonAsync("routines", "show", "egg", "--version", "1");
        Assert.Equal(2, v1["spec"]!["tasks"]!.AsArray().Count);
        var (_, newest) = await cli.JsonAsync("routines", "show", "egg");
        Assert.Equal(3, newest["spec"]!["tasks"]!.AsArray().Count);

        var text = await cli.RunAsync("routines", "show", "egg");
        Assert.Contains("test.Three", text.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("routines", "show", "egg", "--version", "9")).ExitCode);
    }

    [Fact]
    public async Task Run_by_routine_name_pins_the_version()
    {
        var file = cli.WriteSpec("egg.yaml", "tasks: [test.One, test.Two]\n");
        Assert.Equal(0, (await cli.RunAsync("routines", "add", "egg", file)).ExitCode);

        var (result, json) = await cli.JsonAsync("run", "egg");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("egg", (string?)json["routine"]);
        Assert.Equal(1, (int?)json["version"]);
        var (_, byRoutine) = await cli.JsonAsync("flows", "list", "--routine", "egg");
        Assert.Single(byRoutine["items"]!.AsArray());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("egg.yaml")]
    [InlineData("dir/egg")]
    public async Task A_name_breaking_the_one_routine_naming_rule_is_a_usage_error(string name)
    {
        var file = cli.WriteSpec("egg.yaml", "tasks: [test.One]\n");

        var result = await cli.RunAsync("routines", "add", name, file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("a routine name has 1 to 200 letters, digits, '.', '_' and '-', and does not end in .json, .yaml or .yml", result.Err, StringComparison.Ordinal);
        var (_, list) = await cli.JsonAsync("routines", "list");
        Assert.Empty(list.AsArray());
    }

    [Fact]
    public async Task An_invalid_routine_is_refused_and_not_stored()
    {
        var file = cli.WriteSpec("bad.yaml", "tasks: [test.One, no.such]\n");

        var result = await cli.RunAsync("routines", "add", "bad", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tasks[1]", result.Err, StringComparison.Ordinal);
        var (_, list) = await cli.JsonAsync("routines", "list");
        Assert.Empty(list.AsArray());
    }

    [Fact]
    public async Task An_unknown_routine_exits_1()
    {
        var result = await cli.RunAsync("run", "nothing-here");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nothing-here", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_lists_built_ins_and_samples()
    {
        var (result, json) = await cli.JsonAsync("tasks");

        Assert.Equal(0, result.ExitCode);
        var names = json.AsArray().Select(t => (string?)t!["name"]).ToList();
        Assert.Contains("test.One", names);
        Assert.Contains("http", names);
        Assert.Contains("print", names);

        var (_, without) = await cli.JsonAsync("tasks", "--no-examples");
        Assert.DoesNotContain("test.One", without.AsArray().Select(t => (string?)t!["name"]));

        var table = await cli.RunAsync("tasks");
        Assert.Contains("msg*", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_with_a_missing_folder_exits_1()
    {
        var result = await cli.RunAsync("tasks", "--tasks", Path.Combine(cli.Folder, "missing"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing", result.Err, StringComparison.Ordinal);
    }
}
