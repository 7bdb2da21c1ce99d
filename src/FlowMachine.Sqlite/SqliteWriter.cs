using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>
/// The single writer with group commit. Requests queue in a channel; one long-running loop takes
/// whatever is queued (up to a batch size) and applies it in one transaction, each request in its own
/// savepoint, then completes the requests after COMMIT. A lone request is committed at once: batches
/// form only from requests that arrive while the previous transaction is being written.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Channel<WriteRequest> queue = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteCommandCache db;
    private readonly string path;
    private readonly int maxBatch;
    private readonly Task loop;
    private long transactions;
    private long requests;

    public SqliteWriter(SqliteCommandCache db, string path, int maxBatch)
    {
        this.db = db;
        this.path = path;
        this.maxBatch = Math.Max(1, maxBatch);

        // A dedicated thread: the loop blocks in SQLite, and must not wait behind a busy thread pool.
        loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Transactions committed so far (for tests and metrics).</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Requests applied so far, successful or not.</summary>
    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Queues work for the writer and returns its result once committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteCommandCache, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new WriteRequest<T>(work, cancellationToken);
        if (!queue.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(SqliteFlowStore), "The SQLite flow store has been disposed.");
        }

        return request.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // Let queued requests finish, then stop and close the connection.
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        db.Dispose();
    }

    private void Run()
    {
        var batch = new List<WriteRequest>(maxBatch);
        while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var request))
            {
                if (request.CancellationToken.IsCancellationRequested)
                {
                    request.Cancel();
                    continue;
                }

                batch.Add(request);
            }

            if (batch.Count > 0)
            {
                try
                {
                    ApplyBatch(batch);
                }
                catch (Exception error)
                {
                    // Never let the loop die: every later write would wait forever.
                    FailAll(batch, error);
                }

                batch.Clear();
            }
        }
    }

    private void ApplyBatch(List<WriteRequest> batch)
    {
        var errors = new Exception?[batch.Count];
        try
        {
            db.Get("BEGIN IMMEDIATE").ExecuteNonQuery();
        }
        catch (Exception error)
        {
            FailAll(batch, SqliteErrors.Explain(error, path));
            return;
        }

        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                db.Get("SAVEPOINT request").ExecuteNonQuery();
                try
                {
                    batch[i].Execute(db);
                    db.Get("RELEASE request").ExecuteNonQuery();
                }
                catch (Exception error)
                {
                    errors[i] = SqliteErrors.Explain(error, path);
                    if (SQLitePCL.raw.sqlite3_get_autocommit(db.Connection.Handle) != 0)
                    {
                        // SQLite rolled the whole transaction back itself (a full disk does that):
                        // nothing of the batch is stored, and every request in it gets the real reason.
                        FailAll(batch, errors[i]!);
                        return;
                    }

                    // Undo only this request; its neighbours in the batch go on.
                    db.Get("ROLLBACK TO request").ExecuteNonQuery();
                    db.Get("RELEASE request").ExecuteNonQuery();
                }
            }

            db.Get("COMMIT").ExecuteNonQuery();
        }
        catch (Exception error)
        {
            // The transaction itself failed (disk full, I/O error): nothing of the batch is stored.
            TryRollback();
            FailAll(batch, SqliteErrors.Explain(error, path));
            return;
        }

        Interlocked.Increment(ref transactions);
        Interlocked.Add(ref requests, batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (errors[i] is { } error)
            {
                batch[i].Fail(error);
            }
            else
            {
                batch[i].Complete();
            }
        }
    }

    private void TryRollback()
    {
        try
        {
            if (!db.Connection.State.HasFlag(System.Data.ConnectionState.Open))
            {
                return;
            }

            db.Get("ROLLBACK").ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite may have rolled back already (it does on some I/O errors).
        }
    }

    private static void FailAll(List<WriteRequest> batch, Exception error)
    {
        foreach (var request in batch)
        {
            request.Fail(error);
        }
    }
}
