using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flowmachine flows bulk retry|cancel|delete</c>: every flow the filter matches; dry run and bad input change nothing.</summary>
public sealed class FlowBulkCommandTests : IDisposable
{
    private const string Killed = "test.One, { key: stop, task_type: kill, task_params: { reason: enough } }, test.Three";

    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    private async Task<string> RunAsync(string tasks, params string[] extra)
    {
        var spec = cli.WriteSpec($"s{Guid.NewGuid():N}.yaml", $"tasks: [{tasks}]\n");
        var (_, json) = await cli.JsonAsync(["run", spec, .. extra]);
        return (string)json["id"]!;
    }

    private async Task<string?> StateAsync(string id)
    {
        if ((await cli.RunAsync("flows", "show", id)).ExitCode != 0)
        {
            return null;
        }

        var (_, json) = await cli.JsonAsync("flows", "show", id);
        return (string?)json["state"];
    }

    [Fact]
    public async Task A_dry_run_prints_the_count_and_the_ids_and_changes_nothing()
    {
        var first = await RunAsync(Killed);
        var second = await RunAsync(Killed);
        await RunAsync("test.One");

        var dry = await cli.RunAsync("flows", "bulk", "retry", "--state", "killed", "--dry-run");

        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("2 matched; dry run: would retry 2 flows, did nothing", dry.Out, StringComparison.Ordinal);
        Assert.Contains(first, dry.Out, StringComparison.Ordinal);
        Assert.Contains(second, dry.Out, StringComparison.Ordinal);
        Assert.Equal(("KILLED", "KILLED"), (await StateAsync(first), await StateAsync(second)));
    }

    [Fact]
    public async Task Retry_by_state_retries_every_match_and_json_counts_them()
    {
        var first = await RunAsync(Killed);
        var second = await RunAsync(Killed);
        var done = await RunAsync("test.One");

        var (result, json) = await cli.JsonAsync("flows", "bulk", "retry", "--state", "KILLED");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((2, 2, 0), ((int)json["matched"]!, (int)json["done"]!, (int)json["refused"]!));
        Assert.Equal([second, first], json["firstIds"]!.AsArray().Select(i => (string)i!));
        Assert.Equal(("COMPLETED", "COMPLETED", "COMPLETED"), (await StateAsync(first), await StateAsync(second), await StateAsync(done)));
    }

    [Fact]
    public async Task Cancel_by_tag_cancels_only_the_tagged_flows()
    {
        var vip = await RunAsync("test.One, test.Wait", "--tag", "vip");
        var other = await RunAsync("test.One, test.Wait");

        var result = await cli.RunAsync("flows", "bulk", "cancel", "--tag", "vip");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 matched, 1 done, 0 refused", result.Out, StringComparison.Ordinal);
        Assert.Equal(("CANCELLED", "WAITING"), (await StateAsync(vip), await StateAsync(other)));
    }

    [Fact]
    public async Task Delete_deletes_finished_flows_and_reports_the_refused_with_the_reason()
    {
        var done = await RunAsync("test.One");
        var waiting = await RunAsync("test.One, test.Wait");

        var (result, json) = await cli.JsonAsync("flows", "bulk", "delete", "--created-after", "2000-01-01", "--created-before", "2999-01-01");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((2, 1, 1), ((int)json["matched"]!, (int)json["done"]!, (int)json["refused"]!));
        Assert.Equal(waiting, (string?)json["refusals"]![0]!["id"]);
        Assert.Contains("is WAITING", (string?)json["refusals"]![0]!["reason"], StringComparison.Ordinal);
        Assert.Null(await StateAsync(done));
        Assert.Equal("WAITING", await StateAsync(waiting));
    }

    [Fact]
    public async Task The_error_filter_and_the_routine_version_pick_their_flows()
    {
        var killed = await RunAsync(Killed);
        await RunAsync("test.One");
        var (_, byError) = await cli.JsonAsync("flows", "bulk", "retry", "--error", "ENOUGH", "--dry-run");
        Assert.Equal([killed], byError["firstIds"]!.AsArray().Select(i => (string)i!));

        var spec = cli.WriteSpec("r.yaml", "tasks: [test.One]\n");
        Assert.Equal(0, (await cli.RunAsync("routines", "add", "r1", spec)).ExitCode);
        var (_, v1) = await cli.JsonAsync("run", "r1");
        Assert.Equal(0, (await cli.RunAsync("routines", "add", "r1", cli.WriteSpec("r2.yaml", "tasks: [test.One, test.Three]\n"))).ExitCode);
        var (_, v2) = await cli.JsonAsync("run", "r1");

        var (_, byVersion) = await cli.JsonAsync("flows", "bulk", "delete", "--routine", "r1", "--version", "1");

        Assert.Equal((1, 1), ((int)byVersion["matched"]!, (int)byVersion["done"]!));
        Assert.Null(await StateAsync((string)v1["id"]!));
        Assert.Equal("COMPLETED", await StateAsync((string)v2["id"]!));
    }

    [Theory]
    [InlineData("--state", "ASLEEP", "--state: 'ASLEEP' is not a flow state")]
    [InlineData("--version", "2", "--version: a version applies to one stored routine")]
    [InlineData("--created-after", "yesterday", "--created-after: 'yesterday' is not a time")]
    [InlineData("--created-before", "2026-13-45", "--created-before: '2026-13-45' is not a time")]
    public async Task Bad_input_exits_1_naming_the_flag_and_changes_nothing(string flag, string value, string message)
    {
        var killed = await RunAsync(Killed);

        var result = await cli.RunAsync("flows", "bulk", "retry", flag, value);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
        Assert.Equal("KILLED", await StateAsync(killed));
    }

    [Fact]
    public async Task An_unknown_action_exits_1()
    {
        var result = await cli.RunAsync("flows", "bulk", "restart");
        Assert.Equal(1, result.ExitCode);
    }
}
