using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite.Tests;

/// <summary>A new file gives the pages of deleted flows back (incremental vacuum); an existing file keeps its setting and upgrades.</summary>
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

    [Fact]
    public async Task A_database_of_the_version_before_upgrades_and_its_flows_can_be_deleted()
    {
        var path = temp.PathOf("before.db");
        SqliteFiles.CreateAtVersion(
            path,
            SqliteSchema.Latest - 1,
            "INSERT INTO specs (hash, spec_json) VALUES ('h', '{\"tasks\":[]}');" +
            "INSERT INTO flows (id, spec_hash, state, position, data, parent_child_index, generation, created_at, updated_at) VALUES " +
            "('done', 'h', 'COMPLETED', 0, '{}', 0, 0, 1000, 1000);" +
            "INSERT INTO steps (flow_id, key, idx, task_type, state, attempts) VALUES ('done', 's', 0, 'noop', 'COMPLETED', 0);");

        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);
            Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));
            Assert.Equal(FlowDeleteOutcome.Deleted, await store.DeleteFlowAsync("done", CancellationToken.None));
        }

        // The spec went with its last flow, found by the index the migration added.
        Assert.Equal(0, Pragma(path, "auto_vacuum"));
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM specs";
        Assert.Equal(0L, cmd.ExecuteScalar());
        cmd.CommandText = "EXPLAIN QUERY PLAN SELECT 1 FROM flows x WHERE x.spec_hash = 'h'";
        using var plan = cmd.ExecuteReader();
        var lines = new List<string>();
        while (plan.Read())
        {
            lines.Add(plan.GetString(3));
        }

        Assert.Contains(lines, l => l.Contains("flows_spec", StringComparison.Ordinal));
    }
}
