using System.Diagnostics.CodeAnalysis;
using FlowMachine.Diagnostics;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>
/// The single writer with group commit. Only one thread uses the write connection at a time. When it
/// is idle and the last transaction held one request, a caller commits its own request at once, on its
/// own thread: a lone flow pays no thread hand-off per step. Requests that arrive while a transaction is
/// being written queue up, and the writer thread takes whatever is queued (up to a batch size) and
/// applies it in one transaction, completing the requests after COMMIT. A request that fails undoes
/// the transaction, which runs again without it: it gets its error, the others commit. While its batches hold more than one request, callers keep queueing for it.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly object gate = new(); // a monitor: the writer thread waits on it
    private readonly Queue<WriteRequest> queue = new();
    private readonly SqliteCommandCache db;
    private readonly string path;
    private readonly int maxBatch;
    private readonly Task loop;
    private readonly List<WriteRequest> inlineBatch = new(1);
    private bool busy;
    private int lastBatch; // requests in the last transaction: above one, callers queue for the writer thread
    private TaskCompletionSource? idleSignal;
    private bool completed;
    private long transactions;
    private long requests;

    public SqliteWriter(SqliteCommandCache db, string path, int maxBatch)
    {
        this.db = db;
        this.path = path;
        this.maxBatch = Math.Max(1, maxBatch);

        // A dedicated thread for queued batches: it blocks in SQLite, and must not wait behind a busy thread pool.
        loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Transactions committed so far (for tests and metrics).</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Requests applied so far, successful or not.</summary>
    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Applies the work in a transaction and returns its result once committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteCommandCache, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new WriteRequest<T>(work, cancellationToken);
        lock (gate)
        {
            if (completed)
            {
                throw new ObjectDisposedException(nameof(SqliteFlowStore), "The SQLite flow store has been disposed.");
            }

            if (busy || queue.Count > 0 || lastBatch > 1)
            {
                // A transaction is being written, or other writers were about a moment ago: join the next
                // batch. Under load the writer thread keeps taking whole batches, which commit more per
                // transaction than commits on each caller's thread would.
                queue.Enqueue(request);
                Monitor.Pulse(gate);
                return request.Task;
            }

            busy = true;
        }

        // Idle: commit here and now, with no hand-off to another thread.
        try
        {
            inlineBatch.Add(request);
            ApplyOrFail(inlineBatch);
        }
        finally
        {
            inlineBatch.Clear();
            lock (gate)
            {
                busy = false;
                lastBatch = 1;
                if (queue.Count > 0 || completed)
                {
                    // What queued meanwhile goes to the writer thread; a dispose may be waiting for this commit.
                    Monitor.PulseAll(gate);
                    idleSignal?.TrySetResult();
                }
            }
        }

        return request.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // Let queued requests finish, then stop and close the connection.
        lock (gate)
        {
            completed = true;
            Monitor.PulseAll(gate);
        }

        await loop.ConfigureAwait(false);

        // A commit running on its caller's thread finishes first; waited for without blocking a thread.
        Task? idle = null;
        lock (gate)
        {
            if (busy)
            {
                idleSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                idle = idleSignal.Task;
            }
        }

        if (idle is not null)
        {
            await idle.ConfigureAwait(false);
        }

        db.Dispose();
    }

    private void Run()
    {
        var batch = new List<WriteRequest>(maxBatch);
        while (true)
        {
            lock (gate)
            {
                while (busy || queue.Count == 0)
                {
                    if (completed && queue.Count == 0)
                    {
                        return;
                    }

                    Monitor.Wait(gate);
                }

                busy = true;
                while (batch.Count < maxBatch && queue.TryDequeue(out var request))
                {
                    if (request.CancellationToken.IsCancellationRequested)
                    {
                        request.Cancel();
                        continue;
                    }

                    batch.Add(request);
                }
            }

            try
            {
                if (batch.Count > 0)
                {
                    ApplyOrFail(batch);
                }
            }
            finally
            {
                lock (gate)
                {
                    busy = false;
                    lastBatch = batch.Count;
                }

                batch.Clear();
            }
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "No error may escape the writer half-way: every request of the batch must learn its fate.")]
    private void ApplyOrFail(List<WriteRequest> batch)
    {
        try
        {
            ApplyBatch(batch);
        }
        catch (Exception error)
        {
            // Never let an error escape half-way: every request of the batch must learn its fate.
            FailAll(batch, error);
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Whatever fails a request or the transaction becomes that request's error, explained; the writer goes on.")]
    private void ApplyBatch(List<WriteRequest> batch)
    {
        FlowMachineDiagnostics.CommitBatchSize.Record(batch.Count);
        var errors = new Exception?[batch.Count];

        // No savepoint per request: a request that fails rolls the whole transaction back, and the batch runs
        // again without it (and without any other that failed before). Failures are rare, savepoints cost
        // three statements a request every time.
        var pending = batch.Count;
        while (pending > 0)
        {
            try
            {
                db.Prepared("BEGIN IMMEDIATE").Execute();
            }
            catch (Exception error)
            {
                FailPending(batch, errors, SqliteErrors.Explain(error, path));
                return;
            }

            var failed = false;
            try
            {
                for (var i = 0; i < batch.Count && !failed; i++)
                {
                    if (errors[i] is not null)
                    {
                        continue;
                    }

                    try
                    {
                        batch[i].Execute(db);
                    }
                    catch (Exception error)
                    {
                        errors[i] = SqliteErrors.Explain(error, path);
                        pending--;
                        if (SQLitePCL.raw.sqlite3_get_autocommit(db.Connection.Handle) != 0)
                        {
                            // SQLite rolled the whole transaction back itself (a full disk does that):
                            // nothing of the batch is stored, and every request in it gets the real reason.
                            FailAll(batch, errors[i]!);
                            return;
                        }

                        failed = true;
                    }
                }

                if (failed)
                {
                    // Undo the whole transaction; the requests that did not fail run again.
                    db.Prepared("ROLLBACK").Execute();
                    continue;
                }

                db.Prepared("COMMIT").Execute();
            }
            catch (Exception error)
            {
                // The transaction itself failed (disk full, I/O error): nothing of the batch is stored.
                TryRollback();
                FailAll(batch, SqliteErrors.Explain(error, path));
                return;
            }

            Interlocked.Increment(ref transactions);
            break;
        }

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

    /// <summary>Gives each request its own error if it failed, else <paramref name="error"/>.</summary>
    private static void FailPending(List<WriteRequest> batch, Exception?[] errors, Exception error)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Fail(errors[i] ?? error);
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

