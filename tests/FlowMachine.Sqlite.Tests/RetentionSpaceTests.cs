using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite.Tests;

/// <summary>A new file gives the pages of deleted flows back (incremental vacuum); an existing file keeps its setting.</summary>
public sealed class RetentionSpaceTests : IDisposable
{
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    private static long Pragma(string path, string name)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA {name}";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task Purged_pages_go_back_to_the_file_system()
    {
        var path = temp.PathOf("space.db");
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);
            var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < 400; i++)
            {
                var id = $"f{i}";
                var flow = new FlowRecord
                {
                    Id = id,
                    SpecJson = $$"""{"tasks":["a"],"n":{{i}}}""", // a spec of its own each: deleted with its flow
                    State = FlowState.Completed,
                    Data = new JsonObject { ["blob"] = new string('x', 4000) },
                    CreatedAt = at,
                    UpdatedAt = at,
                };
                await store.CreateFlowAsync(new NewFlow(flow, [new StepRecord { FlowId = id, Key = "a", TaskType = "noop" }], [new HistoryEvent(id, 1, at, "created", null, null)]), CancellationToken.None);
            }

            var full = (await store.GetStorageStatsAsync(CancellationToken.None)).DatabaseBytes!.Value;
            var batch = await store.DeleteFlowsAsync(new FlowRetentionFilter { States = [FlowState.Completed] }, 1000, CancellationToken.None);
            Assert.Equal(400, batch.Deleted);
            await store.ReclaimSpaceAsync(CancellationToken.None);

            var after = (await store.GetStorageStatsAsync(CancellationToken.None)).DatabaseBytes!.Value;
            Assert.True(after < full / 4, $"{full} bytes before, {after} after");
        }

        Assert.Equal(2, Pragma(path, "auto_vacuum")); // INCREMENTAL
        Assert.Equal(0, Pragma(path, "freelist_count"));
    }

    [Fact]
    public async Task An_existing_file_keeps_its_vacuum_setting()
    {
        var path = temp.PathOf("old.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "CREATE TABLE something_else (x INTEGER)";
            cmd.ExecuteNonQuery();
        }

        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);
            await store.ReclaimSpaceAsync(CancellationToken.None); // nothing to do without incremental vacuum; no error
        }

        Assert.Equal(0, Pragma(path, "auto_vacuum"));
    }
}
