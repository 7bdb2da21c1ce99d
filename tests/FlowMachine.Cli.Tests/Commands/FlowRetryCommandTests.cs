using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flowmachine flows retry ID</c>: an ended flow goes on from where it stopped; any other state exits 1.</summary>
public sealed class FlowRetryCommandTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Retry_runs_a_killed_flow_on_from_where_it_stopped_and_a_second_retry_exits_1()
    {
        var spec = cli.WriteSpec("killed.yaml", "tasks: [test.One, { key: stop, task_type: kill, task_params: { reason: enough } }, test.Three]\n");
        var (run, started) = await cli.JsonAsync("run", spec);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("KILLED", (string?)started["state"]);
        var id = (string)started["id"]!;

        var (retried, json) = await cli.JsonAsync("flows", "retry", id);

        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal("COMPLETED", (string?)json["state"]);
        Assert.All(json["steps"]!.AsArray(), s => Assert.Equal(1, (int?)s!["attempts"]));
        var history = await cli.RunAsync("flows", "history", id);
        Assert.Contains("flow.retried", history.Out, StringComparison.Ordinal);

        var again = await cli.RunAsync("flows", "retry", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("COMPLETED", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrying_a_waiting_flow_exits_1_with_the_reason_and_changes_nothing()
    {
        var spec = cli.WriteSpec("waiting.yaml", "tasks: [test.One, test.Wait]\n");
        var (run, started) = await cli.JsonAsync("run", spec);
        Assert.Equal(3, run.ExitCode);
        var id = (string)started["id"]!;

        var refused = await cli.RunAsync("flows", "retry", id, "--json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("WAITING", refused.Err, StringComparison.Ordinal);
        Assert.Contains("only a FAILED, KILLED or CANCELLED flow can be retried", refused.Err, StringComparison.Ordinal);
        var (_, shown) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal("WAITING", (string?)shown["state"]);
        Assert.Equal(1, (int?)shown["steps"]![1]!["attempts"]);
    }

    [Fact]
    public async Task Retrying_a_flow_that_does_not_exist_exits_1()
    {
        var missing = await cli.RunAsync("flows", "retry", "nope");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("flow nope does not exist", missing.Err, StringComparison.Ordinal);
    }
}
