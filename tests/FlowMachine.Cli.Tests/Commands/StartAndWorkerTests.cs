using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

public sealed class StartAndWorkerTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Start_stores_a_pending_flow_and_a_worker_completes_it()
    {
        var started = await cli.RunAsync("start", CliFixture.Spec("seed004.yaml"), "--key", "k-1");
        Assert.True(started.ExitCode == 0, started.ToString());
        var id = started.Out.Trim();

        var (_, pending) = await cli.JsonAsync("flows", "show", id);
        Assert.Equal("PENDING", (string?)pending["state"]);

        // A second start with the same key returns the first flow.
        var (again, summary) = await cli.JsonAsync("start", CliFixture.Spec("seed004.yaml"), "--key", "k-1");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(id, (string?)summary["id"]);
        Assert.Equal(false, (bool?)summary["created"]);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var worker = CliApp.RunAsync(["worker", "--db", cli.Db, "--concurrency", "2"], TextWriter.Synchronized(stdout), stderr, stop.Token);

        string? state = null;
        while (!stop.IsCancellationRequested && !worker.IsCompleted)
        {
            var (_, json) = await cli.JsonAsync("flows", "show", id);
            state = (string?)json["state"];
            if (state == "COMPLETED")
            {
                break;
            }

            await Task.Delay(100);
        }

        await stop.CancelAsync();
        var code = await worker;

        Assert.Equal("COMPLETED", state);
        Assert.True(code == 0, $"worker exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"{id}  COMPLETED", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("I am task_2.", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_prints_a_line_with_the_reason_when_a_flow_pauses_or_fails()
    {
        var waits = (await cli.RunAsync("start", cli.WriteSpec("waits.yaml", "tasks: [{ key: gate, task_type: wait }]\n"))).Out.Trim();
        var fails = (await cli.RunAsync("start", cli.WriteSpec("fails.yaml", "tasks: [{ key: boom, task_type: fail, task_params: { error: it broke } }]\n"))).Out.Trim();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stdout = new StringWriter();
        var worker = CliApp.RunAsync(["worker", "--db", cli.Db], TextWriter.Synchronized(stdout), new StringWriter(), stop.Token);
        JsonNode? waiting = null, failed = null;
        while (!stop.IsCancellationRequested && !worker.IsCompleted)
        {
            (_, waiting) = await cli.JsonAsync("flows", "show", waits);
            (_, failed) = await cli.JsonAsync("flows", "show", fails);
            if ((string?)waiting["state"] == "WAITING" && (string?)failed["state"] == "FAILED")
            {
                break;
            }

            await Task.Delay(100);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await worker);
        var lines = stdout.ToString().Split(Environment.NewLine);
        Assert.Contains($"{waits}  WAITING    {(string?)waiting!["waitReason"]}", lines);
        Assert.Contains($"{fails}  FAILED    {(string?)failed!["error"]}", lines);
        Assert.Contains("it broke", (string?)failed["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_with_input_and_json_prints_a_summary()
    {
        var spec = cli.WriteSpec("one.yaml", "tasks: [test.One]\n");

        var (result, json) = await cli.JsonAsync("start", spec, "--input", "n=5");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("PENDING", (string?)json["state"]);
        var (_, flow) = await cli.JsonAsync("flows", "show", (string)json["id"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n":5}"""), flow["input"]));
    }

    [Fact]
    public async Task A_bad_concurrency_is_a_usage_error()
    {
        var result = await cli.RunAsync("worker", "--concurrency", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Concurrency", result.Err, StringComparison.Ordinal);
    }
}
