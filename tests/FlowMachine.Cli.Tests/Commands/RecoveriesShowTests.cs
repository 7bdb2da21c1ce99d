using System.Text.Json.Nodes;
using FlowMachine.Cli.Tests.Support;
using FlowMachine.Sqlite;
using FlowMachine.Storage;

namespace FlowMachine.Cli.Tests.Commands;

/// <summary><c>flows show</c> in text says how often a step's worker was lost, and says nothing of it for a step that never lost one.</summary>
public sealed class RecoveriesShowTests : IDisposable
{
    private readonly CliFixture cli = new();

    public void Dispose() => cli.Dispose();

    [Theory]
    [InlineData(1, "2, worker lost once")]
    [InlineData(3, "4, worker lost 3 times")]
    public async Task The_step_line_shows_its_recoveries_when_there_are_any(int recoveries, string expected)
    {
        var id = await SeedAsync(recoveries);

        var shown = await cli.RunAsync("flows", "show", id);

        Assert.True(shown.ExitCode == 0, shown.ToString());
        var crashy = Assert.Single(shown.Out.Split('\n'), l => l.Contains("crashy", StringComparison.Ordinal));
        Assert.Contains(expected, crashy, StringComparison.Ordinal);
        var calm = Assert.Single(shown.Out.Split('\n'), l => l.Contains("calm", StringComparison.Ordinal));
        Assert.DoesNotContain("worker lost", calm, StringComparison.Ordinal);
        Assert.Equal(1, shown.Out.Split("worker lost").Length - 1);
    }

    // A COMPLETED flow of two steps, as a worker that outlived lost ones leaves it: the first step's worker was lost RECOVERIES times.
    private async Task<string> SeedAsync(int recoveries)
    {
        await using var store = new SqliteFlowStore(new SqliteStoreOptions { Path = cli.Db });
        await store.InitializeAsync(default);
        var at = DateTimeOffset.UtcNow;
        var id = "seeded-" + Guid.NewGuid().ToString("N");
        var flow = new FlowRecord
        {
            Id = id, SpecJson = """{"tasks":["noop","noop"]}""", State = FlowState.Completed, Position = 2, CreatedAt = at, UpdatedAt = at,
        };
        StepRecord[] steps =
        [
            new() { FlowId = id, Key = "crashy", TaskType = "noop", State = StepState.Completed, Attempts = recoveries + 1, Recoveries = recoveries, StartedAt = at, FinishedAt = at },
            new() { FlowId = id, Index = 1, Key = "calm", TaskType = "noop", State = StepState.Completed, Attempts = 1, StartedAt = at, FinishedAt = at },
        ];
        await store.CreateFlowAsync(new NewFlow(flow, steps, [new HistoryEvent(id, 1, at, "created", null, new JsonObject())]), CancellationToken.None);
        return id;
    }
}
