using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>worker --queue</c>, <c>serve --queue</c> and <c>workers</c>.</summary>
public sealed class QueueAndWorkersTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Theory]
    [InlineData("worker")]
    [InlineData("serve")]
    public async Task A_queue_that_is_not_a_queue_name_is_a_usage_error(string verb)
    {
        var result = await cli.RunAsync(verb, "--queue", "default", "--queue", "GPU Pool");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--queue: 'GPU Pool' is not a valid queue name", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spec_with_a_bad_queue_is_refused_naming_the_path()
    {
        var spec = cli.WriteSpec("bad.yaml", "tasks: [noop, { key: b, task_type: noop, queue: Night }]");
        var result = await cli.RunAsync("start", spec);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("tasks[1].queue", result.Err + result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workers_lists_a_running_worker_with_its_queues_and_then_nothing_once_it_stopped()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var worker = CliApp.RunAsync(["worker", "--db", cli.Db, "--queue", "gpu", "--queue", "default"], TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), stop.Token);
        JsonNode json;
        while (true)
        {
            (_, json) = await cli.JsonAsync("workers");
            if (json["workers"]!.AsArray().Count > 0 || worker.IsCompleted)
            {
                break;
            }

            await Task.Delay(50);
        }

        var text = await cli.RunAsync("workers");
        await stop.CancelAsync();
        Assert.Equal(0, await worker);
        Assert.Contains("queues gpu, default", stderr.ToString(), StringComparison.Ordinal);

        var listed = Assert.Single(json["workers"]!.AsArray())!;
        Assert.Equal(["default", "gpu"], listed["queues"]!.AsArray().Select(q => (string?)q));
        Assert.True((bool)listed["live"]!);
        Assert.True(listed["taskTypes"]!.AsObject().ContainsKey("test.One"));
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("gpu", text.Out, StringComparison.Ordinal);
        Assert.Contains("live", text.Out, StringComparison.Ordinal);

        // A clean stop leaves the registry.
        var (_, after) = await cli.JsonAsync("workers");
        Assert.Empty(after["workers"]!.AsArray());
        Assert.Contains("no workers registered", (await cli.RunAsync("workers")).Out, StringComparison.Ordinal);
    }
}
