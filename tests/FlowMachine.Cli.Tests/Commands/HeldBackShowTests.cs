using FlowMachine.Cli.Tests.Support;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flows show</c> says why a step waits for a concurrency slot or a rate token.</summary>
public sealed class HeldBackShowTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Fact]
    public async Task Flows_show_prints_why_a_step_over_its_rate_is_held_back()
    {
        var spec = cli.WriteSpec("paced.yaml", "label: paced\ntasks: [{ key: call, task_type: noop, rate: { limit: 1, per: 1h } }]\n");
        var first = (await cli.RunAsync("start", spec)).Out.Trim();
        var second = (await cli.RunAsync("start", spec)).Out.Trim();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var worker = CliApp.RunAsync(["worker", "--db", cli.Db], new StringWriter(), new StringWriter(), stop.Token);
        const string reason = "waiting for a rate token: key 'step:paced/call', 1 per 1h";
        string? seen = null;
        var held = second;
        while (!stop.IsCancellationRequested && !worker.IsCompleted)
        {
            // The worker claims both flows at once: either may take the one token; the other is held back.
            var (_, a) = await cli.JsonAsync("flows", "show", first);
            var (_, b) = await cli.JsonAsync("flows", "show", second);
            if ((string?)a["state"] == "COMPLETED" && (string?)b["waitReason"] is { } whyB)
            {
                (seen, held) = (whyB, second);
                break;
            }

            if ((string?)b["state"] == "COMPLETED" && (string?)a["waitReason"] is { } whyA)
            {
                (seen, held) = (whyA, first);
                break;
            }

            await Task.Delay(100);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await worker);
        Assert.Equal(reason, seen);

        var shown = await cli.RunAsync("flows", "show", held);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("waiting   " + reason, shown.Out, StringComparison.Ordinal);
        Assert.Contains("held back: waiting for a rate token", shown.Out, StringComparison.Ordinal);
    }
}
