using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using FlowMachine.Diagnostics;
using FlowMachine.Storage;
using Npgsql;
using Polly;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// Group commit: transitions queue here, and one loop writes whatever is queued (up to a batch size) in
/// one transaction, each in its own savepoint, so one lost lease does not undo its neighbours. A lone
/// commit goes at once; batches form only from commits that arrive while the previous one is written.
/// A transient error retries the whole batch (nothing of it was committed).
/// </summary>
internal sealed class PostgresCommitter : IAsyncDisposable
{
    private readonly Channel<CommitRequest> queue = Channel.CreateUnbounded<CommitRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NpgsqlDataSource dataSource;
    private readonly ResiliencePipeline retry;
    private readonly string channel;
    private readonly int maxBatch;
    private readonly SemaphoreSlim writer = new(1, 1);
    private readonly Task loop;
    private int disposed;
    private int waiting; // requests in the queue (its single reader cannot count them)
    private long transactions;
    private long requests;
    private long together;

    public PostgresCommitter(NpgsqlDataSource dataSource, ResiliencePipeline retry, string channel, int maxBatch)
    {
        this.dataSource = dataSource;
        this.retry = retry;
        this.channel = channel;
        this.maxBatch = Math.Max(1, maxBatch);
        loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed so far.</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Commit requests written so far (many per transaction under load).</summary>
    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Batches written as multi-row statements (the rest went request by request).</summary>
    public long BatchesTogether => Interlocked.Read(ref together);

    public Task<CommitResult> CommitAsync(FlowTransition transition, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new CommitRequest(transition, cancellationToken);

        // A lone commit (nothing queued, no write in flight) is written at once by its caller: no hop to the loop
        // and none back, two thread-pool waits fewer on a busy machine. Commits that arrive meanwhile queue and
        // go together afterwards, as they would behind the loop's own write.
        if (Volatile.Read(ref waiting) == 0 && writer.Wait(0, CancellationToken.None))
        {
            if (Volatile.Read(ref disposed) == 0)
            {
                return WriteAloneAsync(request);
            }

            writer.Release();
        }

        Interlocked.Increment(ref waiting);
        if (!queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref waiting);
            throw new ObjectDisposedException(nameof(PostgresFlowStore), "The PostgreSQL flow store has been disposed.");
        }

        return request.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // Queued commits are still written; then the loop ends, and a lone commit being written is waited for.
        Volatile.Write(ref disposed, 1);
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        await writer.WaitAsync().ConfigureAwait(false);
        writer.Release(); // not disposed: a late commit still asks for it, and is then refused as disposed
    }

    private async Task<CommitResult> WriteAloneAsync(CommitRequest request)
    {
        // Written apart from the caller's trace, as the loop writes (this method's context is its own: the caller's is untouched).
        Activity.Current = null;
        try
        {
            await WriteAsync([request]).ConfigureAwait(false);
        }
        finally
        {
            writer.Release();
        }

        return await request.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<CommitRequest>(maxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // One write at a time: behind a lone commit written by its caller, the queue fills into the next batch.
            await writer.WaitAsync().ConfigureAwait(false);
            try
            {
                while (batch.Count < maxBatch && queue.Reader.TryRead(out var request))
                {
                    Interlocked.Decrement(ref waiting);
                    if (request.CancellationToken.IsCancellationRequested)
                    {
                        request.Cancel();
                        continue;
                    }

                    batch.Add(request);
                }

                if (batch.Count > 0)
                {
                    await WriteAsync(batch).ConfigureAwait(false);
                }
            }
            finally
            {
                writer.Release();
            }

            batch.Clear();
        }
    }

    /// <summary>Writes the batch in one transaction (again after a transient error) and tells each caller how it went.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "The writer never dies: a failed batch fails its callers, and every later commit still gets written.")]
    private async Task WriteAsync(List<CommitRequest> batch)
    {
        // Rows are locked in flow id order, as lease renewals lock them: two writers never wait on each other in a cycle.
        batch.Sort((a, b) => string.CompareOrdinal(a.Transition.Flow.Id, b.Transition.Flow.Id));
        try
        {
            await retry.ExecuteAsync(async ct => await WriteBatchAsync(batch, ct).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref transactions);
            Interlocked.Add(ref requests, batch.Count);
            FlowMachineDiagnostics.CommitBatchSize.Record(batch.Count);
            foreach (var request in batch)
            {
                request.Finish();
            }
        }
        catch (Exception error)
        {
            // Never let the writer die: every later commit would wait forever.
            foreach (var request in batch)
            {
                request.Fail(error);
            }
        }
    }

    private async Task WriteBatchAsync(List<CommitRequest> batch, CancellationToken cancellationToken)
    {
        foreach (var request in batch)
        {
            request.Reset();
        }

        if (batch.Count > 1 && await TryWriteTogetherAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await WriteOneByOneAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The usual case: the whole batch as a few multi-row statements in one round trip. False, with
    /// nothing written, when the batch cannot go that way or any of it fails (a lost lease, a refused
    /// row): then each request goes on its own, and only the one at fault fails.
    /// </summary>
    private async Task<bool> TryWriteTogetherAsync(List<CommitRequest> batch, CancellationToken cancellationToken)
    {
        var transitions = new List<FlowTransition>(batch.Count);
        foreach (var request in batch)
        {
            transitions.Add(request.Transition);
        }

        if (!CommitBatch.Fits(transitions))
        {
            return false;
        }

        NpgsqlBatch round;
        try
        {
            round = CommitBatch.Build(transitions, channel);
        }
        catch (ArgumentException)
        {
            return false; // the one-by-one path refuses the request at fault, with the reason
        }

        await using (round.ConfigureAwait(false))
        {
            // No BEGIN and COMMIT of its own: a batch sent without a transaction runs as one implicit transaction,
            // committed with its last statement, so the whole write takes one round trip, and a failure undoes it all.
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            round.Connection = connection;
            try
            {
                var reader = await round.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    do
                    {
                        if (await PostgresLimitTakes.TryReadAsync(reader, n => batch[n - 1], cancellationToken).ConfigureAwait(false))
                        {
                            continue;
                        }

                        if (reader.FieldCount == 2 && reader.GetName(1) == CommitBatch.HasCommandsColumn)
                        {
                            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                batch[(int)reader.GetInt64(0) - 1].Result = new CommitResult(reader.GetBoolean(1));
                            }
                        }
                    }
                    while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
                }

                Interlocked.Increment(ref together);
                return true;
            }
            catch (PostgresException error) when (!PostgresRetry.IsTransient(error))
            {
                foreach (var request in batch)
                {
                    request.Reset();
                }

                return false;
            }
        }
    }

    /// <summary>Each request in its own savepoint, so that a failure undoes only the request at fault.</summary>
    private async Task WriteOneByOneAsync(List<CommitRequest> batch, CancellationToken cancellationToken)
    {
        var ready = new List<(CommitRequest Request, List<NpgsqlBatchCommand> Commands)>(batch.Count);
        foreach (var request in batch)
        {
            try
            {
                ready.Add((request, Build(request.Transition))); // built once up front, so a refusal sends nothing
            }
            catch (ArgumentException error)
            {
                request.Error = error; // refused before anything was sent
            }
        }

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var savepoints = ready.Count > 1;

        // A lone request goes without BEGIN and COMMIT: its batch is one implicit transaction, one round trip.
        var tx = savepoints ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        try
        {
            await WriteRoundsAsync(connection, tx, ready, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (tx is not null)
            {
                await tx.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task WriteRoundsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, List<(CommitRequest Request, List<NpgsqlBatchCommand> Commands)> ready, CancellationToken cancellationToken)
    {
        var savepoints = tx is not null;

        // Every request goes in one round trip. A failure stops the rest of the round: the failing request
        // (the first without its has_commands row) is undone to its savepoint and the requests after it are sent again.
        var from = 0;
        while (from < ready.Count)
        {
            var next = from;
            try
            {
                var round = new NpgsqlBatch(connection, tx);
                await using var roundScope = round.ConfigureAwait(false);
                if (savepoints && from == 0 && PostgresLimitTakes.Lock([.. ready.Select(r => r.Request.Transition)]) is { } locks)
                {
                    round.BatchCommands.Add(locks); // every request's limit keys, in order, before any savepoint or row lock
                }

                for (var i = from; i < ready.Count; i++)
                {
                    if (savepoints)
                    {
                        round.BatchCommands.Add(Command("SAVEPOINT request"));
                    }

                    // A command joins one batch only: a round sent again after a failure builds its own.
                    foreach (var command in from == 0 ? ready[i].Commands : Build(ready[i].Request.Transition))
                    {
                        round.BatchCommands.Add(command);
                    }

                    if (savepoints)
                    {
                        round.BatchCommands.Add(Command("RELEASE SAVEPOINT request"));
                    }

                    // Read after the release, so that a row here means the request's writes all went in.
                    round.BatchCommands.Add(HasCommands(ready[i].Request.Transition.Flow.Id));
                }

                var reader = await round.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using var readerScope = reader.ConfigureAwait(false);
                do
                {
                    if (await PostgresLimitTakes.TryReadAsync(reader, _ => ready[next].Request, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    if (reader.FieldCount == 1 && reader.GetName(0) == "has_commands" && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        ready[next++].Request.Result = new CommitResult(reader.GetBoolean(0));
                    }
                }
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

                from = ready.Count;
            }
            catch (PostgresException error) when (!PostgresRetry.IsTransient(error) && next < ready.Count)
            {
                var failed = ready[next].Request;
                failed.Error = error.SqlState == LeaseLostState
                    ? new LeaseLostException(failed.Transition.Flow.Id, failed.Transition.LeaseOwner)
                    : error;
                if (!savepoints)
                {
                    return; // alone in its implicit transaction, which the failure undid whole
                }

                // Undo only this request; its neighbours in the batch go on.
                var undo = new NpgsqlCommand("ROLLBACK TO SAVEPOINT request; RELEASE SAVEPOINT request", connection, tx);
                await using var undoScope = undo.ConfigureAwait(false);
                await undo.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                from = next + 1;
            }
        }

        if (tx is not null)
        {
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every statement of one transition, in the order the in-memory store applies them.</summary>
    private List<NpgsqlBatchCommand> Build(FlowTransition t)
    {
        var flowId = t.Flow.Id;
        var commands = new List<NpgsqlBatchCommand>();
        if (PostgresLimitTakes.Lock([t]) is { } locks)
        {
            commands.Add(locks); // the limit keys' advisory locks first
        }

        if (PostgresKeyedWaits.Apply([t]) is { } keyed)
        {
            commands.Add(keyed); // its advisory locks before any row lock
        }

        commands.Add(UpdateFlow(t.Flow, t.LeaseOwner, t.DataChanged, t.Release));

        // A step given twice in one transition: the last one wins (one upsert may not touch a row twice).
        var steps = new List<StepRecord>(t.Steps.Count);
        CommitBatch.AddSteps(steps, t.Steps);
        foreach (var step in steps)
        {
            commands.Add(UpsertStep(flowId, step));
        }

        foreach (var e in t.History)
        {
            commands.Add(HistoryCommand(flowId, e));
        }

        CommitBatch.AddRarerParts(commands, t, channel);
        PostgresLimits.AddReleases(commands, [t], channel);
        PostgresLimits.AddRecheck(commands, t, channel);

        PostgresLimitTakes.AddTakes(commands, [t], channel);
        return commands;
    }
}
