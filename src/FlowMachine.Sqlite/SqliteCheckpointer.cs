using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>
/// Copies committed pages from the write-ahead log into the database file on a connection and thread of
/// its own, so that the commit which happens to cross SQLite's checkpoint threshold does not wait for
/// the copy and two fsyncs (that commit was the slowest of every few hundred). Passive: it never waits
/// for, or holds up, the writer or the readers. The writer keeps a far higher threshold of its own, so
/// the log stays bounded even when writes never pause.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>The writer's own checkpoint threshold, in pages (the log may grow to about this many times 4 KiB).</summary>
    public const int WriterThresholdPages = 10_000;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly SqliteConnection connection;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int disposed;

    public SqliteCheckpointer(string connectionString, TimeSpan busyTimeout)
    {
        connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}";
            setup.ExecuteNonQuery();
        }

        loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        connection.Dispose();
        stop.Dispose();
    }

    private void Run()
    {
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (!stop.Token.WaitHandle.WaitOne(Interval))
        {
            try
            {
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Busy or out of space: the next round (or the writer's own threshold) catches up.
            }
        }
    }
}
