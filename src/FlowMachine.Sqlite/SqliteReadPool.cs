using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>
/// A few read-only connections, opened on demand. WAL lets them read while the writer writes; each
/// read sees the last committed state when it starts.
/// </summary>
internal sealed class SqliteReadPool(string connectionString, int maxReaders, TimeSpan busyTimeout) : IDisposable
{
    private readonly ConcurrentBag<SqliteCommandCache> idle = [];
    private readonly SemaphoreSlim slots = new(Math.Max(1, maxReaders));
    private volatile bool disposed;

    public async ValueTask<T> ReadAsync<T>(Func<SqliteCommandCache, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteCommandCache? db = null;
        try
        {
            if (!idle.TryTake(out db))
            {
                db = Open();
            }

            return work(db);
        }
        finally
        {
            if (db is not null)
            {
                if (disposed)
                {
                    db.Dispose();
                }
                else
                {
                    idle.Add(db);
                }
            }

            slots.Release();
        }
    }

    private SqliteCommandCache Open()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            var db = new SqliteCommandCache(connection);
            db.Execute($"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}");
            db.Execute("PRAGMA query_only = ON");
            return db;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var db))
        {
            db.Dispose();
        }
    }
}
