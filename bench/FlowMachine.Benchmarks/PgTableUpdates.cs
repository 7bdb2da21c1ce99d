using Npgsql;

namespace FlowMachine.Benchmarks;

/// <summary>How many row updates of one table of a benchmark's database the server counted, and how many were heap-only (HOT).</summary>
internal static class PgTableUpdates
{
    /// <summary>
    /// The updates and heap-only updates of <paramref name="table"/> so far, or null when the table is not there. The
    /// pool's idle connections are closed first: a backend hands its counts to the statistics when it ends (or idles).
    /// </summary>
    public static async Task<(long Updates, long HeapOnly)?> ReadAsync(string connectionString, string table)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await using var command = new NpgsqlCommand(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = $1 ORDER BY n_tup_upd DESC LIMIT 1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = table });
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return null;
            }

            var (updates, heapOnly) = (reader.GetInt64(0), reader.GetInt64(1));
            if (updates > 0 || attempt == 19)
            {
                return (updates, heapOnly);
            }

            await reader.DisposeAsync();
            await Task.Delay(100); // the closed backends' counts are not in yet
        }

        return null;
    }
}
