using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>--priority</c> on <c>run</c>, <c>start</c> and <c>schedules add</c>; <c>flows show</c> shows it; out of range exits 1 naming the flag.</summary>
public sealed class PriorityCommandTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task The_flag_gives_the_flow_its_priority_over_the_specs_and_flows_show_shows_it()
    {
        var plain = cli.WriteSpec("plain.yaml", "tasks: [noop]\n");
        var urgent = cli.WriteSpec("urgent.yaml", "cfg: { priority: 3 }\ntasks: [noop]\n");

        var (run, ran) = await cli.JsonAsync("run", plain, "--priority", "8");
        Assert.True(run.ExitCode == 0, run.ToString());
        var (_, started) = await cli.JsonAsync("start", urgent);
        var (_, overridden) = await cli.JsonAsync("start", urgent, "--priority", "-4");
        var (_, zero) = await cli.JsonAsync("start", plain);

        Assert.Equal(8, await PriorityAsync((string)ran["id"]!));
        Assert.Equal(3, await PriorityAsync((string)started["id"]!));
        Assert.Equal(-4, await PriorityAsync((string)overridden["id"]!));
        Assert.Equal(0, await PriorityAsync((string)zero["id"]!));

        var text = await cli.RunAsync("flows", "show", (string)ran["id"]!);
        Assert.Contains("priority  8", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("priority", (await cli.RunAsync("flows", "show", (string)zero["id"]!)).Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("start", "1001")]
    [InlineData("run", "-1001")]
    public async Task A_priority_out_of_range_exits_1_naming_the_flag_and_starts_nothing(string verb, string value)
    {
        var plain = cli.WriteSpec("plain.yaml", "tasks: [noop]\n");
        var result = await cli.RunAsync(verb, plain, "--priority", value);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("--priority", result.Err, StringComparison.Ordinal);
        Assert.Contains("-1000 to 1000", result.Err, StringComparison.Ordinal);
        var (_, list) = await cli.JsonAsync("flows", "list");
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_spec_with_cfg_priority_out_of_range_exits_1()
    {
        var bad = cli.WriteSpec("bad.yaml", "cfg: { priority: 5000 }\ntasks: [noop]\n");
        var result = await cli.RunAsync("start", bad);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("cfg.priority", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schedule_keeps_its_priority_and_refuses_one_out_of_range()
    {
        var plain = cli.WriteSpec("plain.yaml", "tasks: [noop]\n");
        var added = await cli.RunAsync("schedules", "add", "nightly", plain, "--every", "1h", "--priority", "12");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("priority   12", (await cli.RunAsync("schedules", "show", "nightly")).Out, StringComparison.Ordinal);

        var refused = await cli.RunAsync("schedules", "add", "hourly", plain, "--every", "1h", "--priority", "2000");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("priority", refused.Err, StringComparison.Ordinal);
    }

    private async Task<int> PriorityAsync(string id)
    {
        var (show, shown) = await cli.JsonAsync("flows", "show", id);
        Assert.True(show.ExitCode == 0, show.ToString());
        return (int)shown["priority"]!;
    }
}
