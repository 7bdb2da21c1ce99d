using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flows why</c> says why a flow is not moving; <c>flows stuck</c> lists the flows that need attention.</summary>
public sealed class WhyAndStuckTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Flows_why_says_what_a_waiting_flow_waits_for_and_how_to_continue_it_in_text_and_json()
    {
        var spec = cli.WriteSpec("approve.yaml", "label: approve\ntasks: [{ key: ok, task_type: wait, task_params: { reason: 'needs a manager' } }]\n");
        var (run, flow) = await cli.JsonAsync("run", spec);
        Assert.True(run.ExitCode == 3, run.ToString());
        var id = (string)flow["id"]!;

        var text = await cli.RunAsync("flows", "why", id);
        Assert.True(text.ExitCode == 0, text.ToString());
        var lines = text.Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.StartsWith("Step ok waits for input since ", lines[0], StringComparison.Ordinal);
        Assert.Contains($"push a value (flowmachine flows push {id} VALUE)", lines[0], StringComparison.Ordinal);
        Assert.Contains("kind         input", lines);
        Assert.Contains("reason       needs a manager", lines);
        Assert.Contains($"try          flowmachine flows submit {id}", lines);

        var (result, json) = await cli.JsonAsync("flows", "why", id);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(("input", "WAITING", "ok"), ((string?)json["kind"], (string?)json["state"], (string?)json["facts"]!["stepKey"]));
        Assert.Equal(lines[0], (string?)json["summary"]);

        var missing = await cli.RunAsync("flows", "why", "no-such-flow");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("flow no-such-flow does not exist", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_started_flow_with_no_worker_is_diagnosed_and_listed_as_stuck()
    {
        var spec = cli.WriteSpec("plain.yaml", "label: plain\ntasks: [noop]\n");
        var id = (await cli.RunAsync("start", spec)).Out.Trim();

        var (_, why) = await cli.JsonAsync("flows", "why", id);
        Assert.Equal("no-worker", (string?)why["kind"]);
        Assert.Contains("but no live worker is registered: start one (flowmachine worker --queue default)", (string?)why["summary"], StringComparison.Ordinal);

        var none = await cli.RunAsync("flows", "stuck");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal("no flow needs attention (threshold 5m)", none.Out.Trim()); // due for less than 5 minutes

        var (result, stuck) = await cli.JsonAsync("flows", "stuck", "--threshold", "0s");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(0, (double)stuck["thresholdSeconds"]!);
        var item = Assert.Single(stuck["items"]!.AsArray())!;
        Assert.Equal((id, "no-worker", "PENDING"), ((string?)item["flowId"], (string?)item["reason"], (string?)item["state"]));

        var table = await cli.RunAsync("flows", "stuck", "--threshold", "0s");
        Assert.Contains(id, table.Out, StringComparison.Ordinal);
        Assert.Contains("no-worker", table.Out, StringComparison.Ordinal);
        Assert.Contains("1 item(s); see one with `flowmachine flows why ID`", table.Out, StringComparison.Ordinal);

        var bad = await cli.RunAsync("flows", "stuck", "--threshold", "soon");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--threshold: 'soon' is not a duration", bad.Err, StringComparison.Ordinal);
    }
}
