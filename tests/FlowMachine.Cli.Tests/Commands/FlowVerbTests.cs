using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

public sealed class FlowVerbTests : IDisposable
{
    private const string Seed000 = "label: egg\ntasks: [test.One, test.Two, test.Wait, test.Three]\n";
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    private async Task<string> StartWaitingAsync()
    {
        var spec = cli.WriteSpec("seed000.yaml", Seed000);
        var (result, json) = await cli.JsonAsync("run", spec);
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("WAITING", (string?)json["state"]);
        Assert.Contains("Wait for external", result.Err, StringComparison.Ordinal);
        Assert.Contains("flowmachine flows push", result.Err, StringComparison.Ordinal);
        return (string)json["id"]!;
    }

    [Fact]
    public async Task Run_waits_then_submit_with_failing_check_waits_and_ok_completes()
    {
        var id = await StartWaitingAsync();

        var notYet = await cli.RunAsync("flows", "submit", id, "--args", """{"ok":false}""");
        Assert.True(notYet.ExitCode == 3, notYet.ToString());

        var done = await cli.RunAsync("flows", "submit", id, "--args", """{"ok":true}""");
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Contains("✓ test.Three  COMPLETED", done.Out, StringComparison.Ordinal);

        var (show, json) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal(0, show.ExitCode);
        Assert.Equal("COMPLETED", (string?)json["state"]);
        var steps = json["steps"]!.AsArray();
        Assert.Equal(4, steps.Count);
        Assert.All(steps, s => Assert.Equal("COMPLETED", (string?)s!["state"]));
        Assert.Equal(true, (bool?)steps[2]!["result"]!["ok"]);
    }

    [Fact]
    public async Task Push_stores_the_value_and_runs_the_next_step()
    {
        var id = await StartWaitingAsync();

        var pushed = await cli.RunAsync("flows", "push", id, """{"by":"hand"}""");
        Assert.True(pushed.ExitCode == 0, pushed.ToString());

        var (_, json) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal("COMPLETED", (string?)json["state"]);
        var steps = json["steps"]!.AsArray();
        Assert.Equal(4, steps.Count(s => (string?)s!["state"] == "COMPLETED"));
        Assert.Equal("hand", (string?)steps[2]!["result"]!["by"]);
    }

    [Fact]
    public async Task Push_when_nothing_waits_is_a_conflict()
    {
        var id = await StartWaitingAsync();
        Assert.Equal(0, (await cli.RunAsync("flows", "push", id, "1")).ExitCode);

        var again = await cli.RunAsync("flows", "push", id, "2");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no step waits", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verb_on_a_missing_flow_exits_1()
    {
        var result = await cli.RunAsync("flows", "submit", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("flow nope does not exist", result.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("flows", "show", "nope")).ExitCode);
    }

    [Fact]
    public async Task Cancel_ends_the_flow_cancelled_and_exits_0_because_the_command_did_what_was_asked()
    {
        var id = await StartWaitingAsync();

        var result = await cli.RunAsync("flows", "cancel", id, "--reason", "no longer needed");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("CANCELLED", result.Out, StringComparison.Ordinal);
        Assert.Contains("no longer needed", result.Err, StringComparison.Ordinal);
        var (show, json) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal(0, show.ExitCode);
        Assert.Equal("CANCELLED", (string?)json["state"]);
    }

    [Fact]
    public async Task Cancel_with_json_exits_0_and_prints_the_cancelled_flow()
    {
        var id = await StartWaitingAsync();

        var (result, json) = await cli.JsonAsync("flows", "cancel", id);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("CANCELLED", (string?)json["state"]);
    }

    [Fact]
    public async Task Reset_runs_again_from_the_first_step_and_history_is_kept()
    {
        var id = await StartWaitingAsync();

        var reset = await cli.RunAsync("flows", "reset", id);
        Assert.True(reset.ExitCode == 3, reset.ToString());
        Assert.Contains("✓ test.One  COMPLETED", reset.Out, StringComparison.Ordinal);

        var (_, history) = await cli.JsonAsync("flows", "history", id);
        var kinds = history.AsArray().Select(e => (string?)e!["kind"]).ToList();
        Assert.Contains("flow.reset", kinds);
        Assert.Equal(2, kinds.Count(k => k == "step.waiting")); // the first run's events are kept
        var table = await cli.RunAsync("flows", "history", id);
        Assert.Contains("flow.reset", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Position_moves_past_the_wait()
    {
        var id = await StartWaitingAsync();

        var result = await cli.RunAsync("flows", "position", id, "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("✓ test.Three  COMPLETED", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_is_kept_and_no_run_only_queues()
    {
        var id = await StartWaitingAsync();

        var result = await cli.RunAsync("flows", "event", id, "later", "--value", "{\"x\":1}", "--no-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("accepted", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_filters_by_state_and_pages_with_a_cursor()
    {
        var spec = cli.WriteSpec("seed000.yaml", Seed000);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(3, (await cli.RunAsync("run", spec)).ExitCode);
        }

        Assert.Equal(0, (await cli.RunAsync("run", CliFixture.Spec("seed004.yaml"))).ExitCode);

        var (_, waiting) = await cli.JsonAsync("flows", "list", "--state", "waiting");
        Assert.Equal(3, waiting["items"]!.AsArray().Count);

        var (_, first) = await cli.JsonAsync("flows", "list", "--limit", "2");
        Assert.Equal(2, first["items"]!.AsArray().Count);
        var next = (string?)first["next"];
        Assert.NotNull(next);
        var (_, second) = await cli.JsonAsync("flows", "list", "--limit", "2", "--after", next);
        Assert.Equal(2, second["items"]!.AsArray().Count);

        var table = await cli.RunAsync("flows", "list");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("egg", table.Out, StringComparison.Ordinal);
        Assert.Contains("WAITING", table.Out, StringComparison.Ordinal);

        var bad = await cli.RunAsync("flows", "list", "--state", "sleepy");
        Assert.Equal(1, bad.ExitCode);
    }

    [Fact]
    public async Task Show_prints_a_steps_table()
    {
        var id = await StartWaitingAsync();

        var result = await cli.RunAsync("flows", "show", id);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("test.Wait", result.Out, StringComparison.Ordinal);
        Assert.Contains("Wait for external", result.Out, StringComparison.Ordinal);
    }
}
