namespace FlowMachine.Sqlite.Tests;

/// <summary>The rate tokens of a key as SQLite keeps them: numbered, upgraded from the table before, and cleaned up as the window moves.</summary>
public sealed class SqliteRateLogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Tokens_taken_before_the_upgrade_still_count()
    {
        // Three tokens of 'tenant:a' in the table of the version before, not in the order they were taken.
        var path = temp.PathOf();
        var at = T0.ToUnixTimeMilliseconds();
        SqliteFiles.CreateBefore(path, "CREATE TABLE rate_log", "f", "RUNNING",
            $"INSERT INTO rate_tokens (key, taken_at) VALUES ('tenant:a', {at + 2000}), ('tenant:a', {at}), ('tenant:a', {at + 1000}), ('tenant:b', {at});");

        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using var storeScope = store;
        await store.InitializeAsync(CancellationToken.None);
        Assert.Equal(SqliteSchema.Latest, SqliteFiles.ReadSchemaVersion(path));

        var per = TimeSpan.FromSeconds(10);
        Assert.Equal(T0.AddSeconds(2), await store.TakeTokenAsync("tenant:a", 3, per, T0.AddSeconds(1.5), CancellationToken.None)); // not before the latest
        Assert.Equal(T0.AddSeconds(10), await store.TakeTokenAsync("tenant:a", 3, per, T0.AddSeconds(3), CancellationToken.None)); // the window is full
        Assert.Null(await store.TakeTokenAsync("tenant:a", 3, per, T0.AddSeconds(10), CancellationToken.None)); // the oldest came back
        Assert.Equal(T0.AddSeconds(11), await store.TakeTokenAsync("tenant:a", 3, per, T0.AddSeconds(10.5), CancellationToken.None));
        Assert.Null(await store.TakeTokenAsync("tenant:b", 2, per, T0.AddSeconds(3), CancellationToken.None));
        Assert.Equal(T0.AddSeconds(10), await store.TakeTokenAsync("tenant:b", 2, per, T0.AddSeconds(4), CancellationToken.None));
    }

    [Fact]
    public async Task A_key_keeps_about_the_tokens_of_one_window()
    {
        var path = temp.PathOf();
        var store = new SqliteFlowStore(new SqliteStoreOptions { Path = path });
        await using (store)
        {
            await store.InitializeAsync(CancellationToken.None);

            // A limit that never binds, a token every 10 ms for 5 s: the window of 1 s holds 100 of them.
            for (var i = 0; i < 500; i++)
            {
                Assert.Null(await store.TakeTokenAsync("tenant:a", 1_000_000, TimeSpan.FromSeconds(1), T0.AddMilliseconds(10 * i), CancellationToken.None));
            }

            // A limit that binds: 3 in any 1 s, asked every 100 ms for 10 s.
            for (var i = 0; i < 100; i++)
            {
                await store.TakeTokenAsync("tenant:b", 3, TimeSpan.FromSeconds(1), T0.AddMilliseconds(100 * i), CancellationToken.None);
            }
        }

        // The expired tokens go every 16 takes of a key: never more than a window and 16 are left.
        using var connection = SqliteFiles.Open(path);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT key, count(*) FROM rate_log GROUP BY key ORDER BY key";
        using var reader = count.ExecuteReader();
        Assert.True(reader.Read());
        Assert.InRange(reader.GetInt64(1), 100, 100 + 16);
        Assert.True(reader.Read());
        Assert.InRange(reader.GetInt64(1), 3, 3 + 16);
    }
}
