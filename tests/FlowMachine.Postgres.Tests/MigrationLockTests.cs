using Npgsql;

namespace FlowMachine.Postgres.Tests;

/// <summary>Migrations run under an advisory lock: stores starting at the same moment on an empty database all come up.</summary>
public sealed class MigrationLockTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [PostgresFact]
    public async Task Two_stores_initializing_at_once_on_an_empty_database_both_come_up()
    {
        for (var round = 0; round < 5; round++)
        {
            var schema = db.NewSchema();
            var stores = Enumerable.Range(0, 2).Select(_ => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema })).ToList();
            try
            {
                using var go = new Barrier(2);
                await Task.WhenAll(stores.Select(s => Task.Run(async () =>
                {
                    go.SignalAndWait();
                    await s.InitializeAsync(default);
                })));

                // Both work, on one schema at the latest version.
                foreach (var store in stores)
                {
                    Assert.Empty(await store.ListRoutinesAsync(default));
                }

                await using var connection = new NpgsqlConnection(db.ConnectionString);
                await connection.OpenAsync();
                await using var cmd = new NpgsqlCommand($"SELECT array_agg(version) FROM \"{schema}\".schema_version", connection);
                Assert.Equal([PostgresSchema.Latest], (int[])(await cmd.ExecuteScalarAsync())!);
            }
            finally
            {
                foreach (var store in stores)
                {
                    await store.DisposeAsync();
                }
            }
        }
    }

    [PostgresFact]
    public async Task Eight_stores_at_once_and_a_second_start_find_the_schema_ready()
    {
        var schema = db.NewSchema();
        var stores = Enumerable.Range(0, 8).Select(_ => new PostgresFlowStore(new PostgresStoreOptions { ConnectionString = db.ConnectionString, Schema = schema })).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.InitializeAsync(default).AsTask()));
            await stores[0].InitializeAsync(default);
            var saved = await stores[1].SaveRoutineAsync("r", "{}", null, DateTimeOffset.UnixEpoch, default);
            Assert.Equal(saved, await stores[7].GetRoutineAsync("r", null, default));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
