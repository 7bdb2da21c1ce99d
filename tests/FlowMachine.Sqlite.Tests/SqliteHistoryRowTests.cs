using System.Text.Json.Nodes;
using FlowMachine.Storage;

namespace FlowMachine.Sqlite.Tests;

/// <summary>One history row per commit: the events of a commit share a row, and the history reads as before.</summary>
public sealed class SqliteHistoryRowTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_step_commit_writes_one_history_row_and_its_events_read_back_in_order()
    {
        var path = temp.PathOf();
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);
        await store.CreateFlowAsync(NewFlow("f"), CancellationToken.None);
        var claimed = (await store.ClaimDueAsync("w", 1, T0, TimeSpan.FromMinutes(1), CancellationToken.None))[0];
        await store.CommitAsync(Commit(claimed, [Event(2, "step.completed", "s0", new JsonObject { ["n"] = 1 }), Event(3, "step.started", "s1", null)]), CancellationToken.None);
        await store.CommitAsync(Commit(claimed, [Event(4, "step.completed", "s1", null)]), CancellationToken.None);

        Assert.Equal(3L, Rows(path));
        var history = await store.GetHistoryAsync("f", 0, 100, CancellationToken.None);
        Assert.Equal(["flow.created", "step.completed", "step.started", "step.completed"], history.Select(e => e.Kind));
        Assert.Equal([1L, 2, 3, 4], history.Select(e => e.Seq));
        Assert.Equal("{\"n\":1}", history[1].Detail!.ToJsonString());
        Assert.Equal(T0.AddSeconds(3), history[2].At);
        Assert.Equal("s1", history[2].StepKey);

        // A claim continues after the last event, wherever it is kept.
        await store.CommitAsync(Commit(claimed, []) with { Release = true }, CancellationToken.None);
        Assert.Equal(4, (await store.ClaimFlowAsync("f", "w2", T0, TimeSpan.FromMinutes(1), CancellationToken.None))!.LastSeq);
    }

    [Fact]
    public async Task Rows_written_before_the_migration_read_as_before_beside_new_ones()
    {
        var path = temp.PathOf();
        SqliteFiles.CreateBefore(
            path,
            "ADD COLUMN earlier",
            "f",
            "RUNNING",
            "INSERT INTO history (flow_id, seq, at, kind, step_key, detail) VALUES ('f', 1, 1000, 'flow.created', NULL, NULL), ('f', 2, 1001, 'step.started', 's0', '{\"attempt\":2}');");
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);

        var claimed = (await store.ClaimDueAsync("w", 1, T0, TimeSpan.FromMinutes(1), CancellationToken.None))[0];
        Assert.Equal(2, claimed.LastSeq);
        await store.CommitAsync(Commit(claimed, [Event(3, "step.completed", "s0", null), Event(4, "flow.completed", null, null)]), CancellationToken.None);

        var history = await store.GetHistoryAsync("f", 1, 100, CancellationToken.None);
        Assert.Equal([2L, 3, 4], history.Select(e => e.Seq));
        Assert.Equal("{\"attempt\":2}", history[0].Detail!.ToJsonString());
        Assert.Equal(["step.started", "step.completed", "flow.completed"], history.Select(e => e.Kind));
    }

    private static long Rows(string path)
    {
        using var connection = SqliteFiles.Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM history WHERE flow_id = 'f'";
        return (long)command.ExecuteScalar()!;
    }

    private static NewFlow NewFlow(string id) => new(
        new FlowRecord { Id = id, SpecJson = "{}", CreatedAt = T0, UpdatedAt = T0, NextRunAt = T0, Data = [] },
        [new StepRecord { FlowId = id, Index = 0, Key = "s0", TaskType = "noop" }],
        [new HistoryEvent(id, 1, T0, "flow.created", null, null)]);

    private static HistoryEvent Event(long seq, string kind, string? step, JsonNode? detail) => new("f", seq, T0.AddSeconds(seq), kind, step, detail);

    private static FlowTransition Commit(ClaimedFlow claimed, List<HistoryEvent> history) => new()
    {
        LeaseOwner = claimed.Flow.LeaseOwner!,
        Flow = claimed.Flow.Clone(),
        History = history,
    };
}
