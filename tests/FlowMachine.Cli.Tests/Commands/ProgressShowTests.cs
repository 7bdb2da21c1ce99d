using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Sqlite;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flows show</c> tells how far a running step has come: done of total as text, the raw progress otherwise, and in <c>--json</c>.</summary>
public sealed class ProgressShowTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Theory]
    [InlineData("""{"done":40,"total":100}""", "progress 40/100 (40 %)")]
    [InlineData("""{"phase":"copying","files":3}""", """progress {"phase":"copying","files":3}""")]
    public async Task The_running_steps_line_shows_its_progress(string progress, string expected)
    {
        var id = await SeedAsync(JsonNode.Parse(progress)!);

        var shown = await cli.RunAsync("flows", "show", id);

        Assert.True(shown.ExitCode == 0, shown.ToString());
        var busy = Assert.Single(shown.Out.Split('\n'), l => l.Contains("busy", StringComparison.Ordinal));
        Assert.Contains(expected, busy, StringComparison.Ordinal);
        var next = Assert.Single(shown.Out.Split('\n'), l => l.Contains("later", StringComparison.Ordinal));
        Assert.DoesNotContain("progress", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_document_carries_progress_and_its_time()
    {
        var id = await SeedAsync(JsonNode.Parse("""{"done":40,"total":100}""")!);

        var shown = await cli.RunAsync("flows", "show", id, "--json");

        Assert.True(shown.ExitCode == 0, shown.ToString());
        var steps = JsonNode.Parse(shown.Out)!["steps"]!.AsArray();
        Assert.Equal("""{"done":40,"total":100}""", steps[0]!["progress"]!.ToJsonString());
        Assert.NotNull(steps[0]!["progressAt"]);
        Assert.Null(steps[1]!["progress"]);
    }

    // A RUNNING flow whose first step runs under worker w1's lease and reported PROGRESS; the second step waits its turn.
    private async Task<string> SeedAsync(JsonNode progress)
    {
        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = cli.Db });
        await store.InitializeAsync(default);
        var at = DateTimeOffset.UtcNow;
        var id = "seeded-" + Guid.NewGuid().ToString("N");
        var flow = new FlowRecord
        {
            Id = id, SpecJson = """{"tasks":["noop","noop"]}""", State = FlowState.Running, CreatedAt = at, UpdatedAt = at,
            LeaseOwner = "w1", LeaseExpiresAt = at.AddHours(1),
        };
        StepRecord[] steps =
        [
            new() { FlowId = id, Key = "busy", TaskType = "noop", State = StepState.Running, Attempts = 1, StartedAt = at },
            new() { FlowId = id, Index = 1, Key = "later", TaskType = "noop", State = StepState.Pending },
        ];
        await store.CreateFlowAsync(new NewFlow(flow, steps, [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), CancellationToken.None);
        Assert.True(await store.SaveProgressAsync(id, "busy", "w1", progress, at, CancellationToken.None));
        return id;
    }
}
