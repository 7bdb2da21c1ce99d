using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flows purge</c> and <c>flows delete</c>: finished flows go, nothing else; bad input changes nothing.</summary>
public sealed class FlowPurgeTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    private async Task<string> RunAsync(string tasks, int exitCode)
    {
        var spec = cli.WriteSpec($"s{Guid.NewGuid():N}.yaml", $"tasks: [{tasks}]\n");
        var (result, json) = await cli.JsonAsync("run", spec);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        return (string)json["id"]!;
    }

    private async Task<int> CountAsync()
    {
        var (_, json) = await cli.JsonAsync("flows", "list");
        return json["items"]!.AsArray().Count;
    }

    [Fact]
    public async Task Purge_counts_with_dry_run_then_deletes_only_finished_flows()
    {
        var done = await RunAsync("test.One", 0);
        var waiting = await RunAsync("test.One, test.Wait", 3);

        var (dry, dryJson) = await cli.JsonAsync("flows", "purge", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(1, (int)dryJson["flows"]!);
        Assert.Equal(2, await CountAsync());

        // Nothing ended longer ago than a day.
        var young = await cli.RunAsync("flows", "purge", "--older-than", "1d");
        Assert.True(young.ExitCode == 0, young.ToString());
        Assert.Contains("deleted 0 flows", young.Out, StringComparison.Ordinal);

        var purge = await cli.RunAsync("flows", "purge", "--state", "completed");
        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.Contains("deleted 1 flow", purge.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("flows", "show", done)).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("flows", "show", waiting)).ExitCode);
    }

    [Fact]
    public async Task Purge_by_tag_deletes_only_the_tagged_finished_flows()
    {
        var spec = cli.WriteSpec("tagged.yaml", "tasks: [test.One]\n");
        var (_, tagged) = await cli.JsonAsync("run", spec, "--tag", "old-batch");
        var (_, other) = await cli.JsonAsync("run", spec, "--tag", "keep");

        var (dry, dryJson) = await cli.JsonAsync("flows", "purge", "--tag", "old-batch", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(1, (int)dryJson["flows"]!);
        var purge = await cli.RunAsync("flows", "purge", "--tag", "old-batch");

        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.Contains("deleted 1 flow", purge.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("flows", "show", (string)tagged["id"]!)).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("flows", "show", (string)other["id"]!)).ExitCode);
    }

    [Theory]
    [InlineData("--older-than", "30x", "--older-than '30x' is not a duration")]
    [InlineData("--state", "SLEEPING", "--state 'SLEEPING' is not a flow state")]
    [InlineData("--state", "WAITING", "--state WAITING is not a finished state")]
    public async Task Bad_input_exits_1_naming_the_flag_and_deletes_nothing(string flag, string value, string message)
    {
        await RunAsync("test.One", 0);

        var result = await cli.RunAsync("flows", "purge", flag, value);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task Delete_removes_a_finished_flow_and_refuses_a_waiting_one()
    {
        var done = await RunAsync("test.One", 0);
        var waiting = await RunAsync("test.One, test.Wait", 3);

        var refused = await cli.RunAsync("flows", "delete", waiting);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains($"flow {waiting} is WAITING", refused.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await cli.RunAsync("flows", "show", waiting)).ExitCode);

        var (deleted, json) = await cli.JsonAsync("flows", "delete", done);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(true, (bool?)json["deleted"]);
        Assert.Equal(1, (await cli.RunAsync("flows", "show", done)).ExitCode);

        var missing = await cli.RunAsync("flows", "delete", done);
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains($"flow {done} does not exist", missing.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("completed=30x", "'30x' is not a duration")]
    [InlineData("running=30d", "--keep 'running=30d' must be STATE=DURATION")]
    [InlineData("completed", "--keep 'completed' must be STATE=DURATION")]
    public async Task Serve_refuses_a_bad_keep_period_naming_the_flag(string value, string message)
    {
        var result = await cli.RunAsync("serve", "--keep", value, "--urls", "http://127.0.0.1:0");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
    }
}
