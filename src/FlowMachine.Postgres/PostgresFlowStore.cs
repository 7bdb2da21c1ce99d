using FlowMachine.Storage;
using Npgsql;
using Polly;

namespace FlowMachine.Postgres;

/// <summary>
/// The scale-out flow store: many worker processes on many machines share one PostgreSQL database.
/// Flows are claimed with <c>FOR UPDATE SKIP LOCKED</c> under leases, commits from many flows are grouped
/// into one transaction, idle workers in other processes are woken with <c>LISTEN/NOTIFY</c>, and
/// transient errors (a restart, a dropped connection) are retried with backoff rather than surfaced.
/// Call <see cref="InitializeAsync"/> once (it migrates the schema), and dispose at the end.
/// </summary>
public sealed partial class PostgresFlowStore : IFlowStore, IStoreNotifications, IStoreClock, IAsyncDisposable
{
    private readonly PostgresStoreOptions options;
    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlDataSource listenSource;
    private readonly ResiliencePipeline retry;
    private readonly PostgresCommitter committer;
    private readonly PostgresListener listener;
    private readonly string channel;
    private long retries;
    private int disposed;

    /// <summary>A store on the database of <see cref="PostgresStoreOptions.ConnectionString"/>; nothing is opened before use.</summary>
    public PostgresFlowStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        this.options = options;
        var schema = PostgresSchema.Validate(options.Schema);
        var builder = PostgresConnectionString.Parse(options.ConnectionString, schema);
        dataSource = NpgsqlDataSource.Create(builder.ConnectionString);

        // The listener holds its connection for good: unpooled, with keepalives so a silent drop is noticed.
        var listen = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false, KeepAlive = 10 };
        listenSource = NpgsqlDataSource.Create(listen.ConnectionString);
        channel = schema + "_work";
        retry = PostgresRetry.Create(options.RetryFor, OnRetry);
        committer = new PostgresCommitter(dataSource, retry, channel, options.MaxBatch);
        listener = new PostgresListener(listenSource, channel, options.Time);
    }

    /// <summary>Transactions the group commit has written.</summary>
    internal long CommitTransactions => committer.Transactions;

    /// <summary>Commits written (many per transaction under load).</summary>
    internal long CommitRequests => committer.Requests;

    /// <summary>Group-commit batches written as multi-row statements.</summary>
    internal long CommitBatchesTogether => committer.BatchesTogether;

    /// <summary>Transient errors retried so far.</summary>
    internal long Retries => Interlocked.Read(ref retries);

    /// <summary>The NOTIFY channel (the schema name plus <c>_work</c>).</summary>
    internal string Channel => channel;

    private void OnRetry(Exception error)
    {
        Interlocked.Increment(ref retries);

        // After a restart every pooled connection is dead: drop them instead of failing on each in turn.
        if (error is NpgsqlException { IsTransient: true } or NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException }
            || error is PostgresException { SqlState: "57P01" or "57P02" or "57P03" })
        {
            dataSource.Clear();
        }
    }

    /// <inheritdoc/>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(async (connection, ct) =>
            {
                await PostgresSchema.MigrateAsync(connection, options.Schema, ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException error) when (error is not PostgresException)
        {
            throw new InvalidOperationException(
                $"Cannot reach PostgreSQL at '{PostgresConnectionString.Redact(options.ConnectionString)}': {error.Message} Check the host, port and credentials, and that the server runs.", error);
        }
    }

    /// <inheritdoc/>
    public IDisposable Subscribe(Action onWork) => listener.Subscribe(onWork);

    /// <summary>Writes queued commits, stops listening and closes every connection; later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        // Idempotent: a container that hands the store out under two service types disposes it twice.
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await committer.DisposeAsync().ConfigureAwait(false);
        await listener.DisposeAsync().ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
        await listenSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection, again on a fresh one after a transient error
    /// (also used by <see cref="PostgresUserStore"/>).
    /// </summary>
    internal async ValueTask<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        await retry.ExecuteAsync(
            async ct =>
            {
                var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                return await work(connection, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

    internal ValueTask<List<T>> QueryAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        RunAsync((connection, ct) => QueryAsync(connection, null, sql, bind, read, ct), cancellationToken);

    internal static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        await using var cmdScope = cmd.ConfigureAwait(false);
        bind(cmd.Parameters);
        var list = new List<T>();
        var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(r));
        }

        return list;
    }

    /// <summary>Sends the statements in one round trip (one implicit transaction) and returns each one's row count.</summary>
    private static async Task<int[]> ExecuteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, List<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, tx);
        await using var batchScope = batch.ConfigureAwait(false);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return [.. commands.Select(c => c.RecordsAffected)];
    }

    /// <summary>Fresh copies of batch commands: a retry must not reuse commands that belonged to a failed batch.</summary>
    private static List<NpgsqlBatchCommand> Rebuild(List<NpgsqlBatchCommand> commands) =>
        commands.ConvertAll(c =>
        {
            var copy = new NpgsqlBatchCommand(c.CommandText);
            foreach (NpgsqlParameter p in c.Parameters)
            {
                copy.Parameters.Add(p.Clone());
            }

            return copy;
        });
}
