using FlowMachine.Storage;
using Microsoft.Data.Sqlite;

namespace FlowMachine.Sqlite;

/// <summary>
/// The embedded flow store: one SQLite file in WAL mode. Every write goes through one writer that
/// commits whatever is queued in one transaction (group commit); reads use a small pool of separate
/// connections. Call <see cref="InitializeAsync"/> once before use, and dispose to stop the writer.
/// </summary>
public sealed partial class SqliteFlowStore : IFlowStore, IStoreNotifications, IAsyncDisposable
{
    private readonly SqliteStoreOptions options;
    private readonly string connectionString;
    private readonly SemaphoreSlim initLock = new(1, 1);
    private SqliteWriter? writer;
    private SqliteReadPool? readers;
    private SqliteCheckpointer? checkpointer;

    /// <summary>A store on the file <see cref="SqliteStoreOptions.Path"/>; nothing is opened before <see cref="InitializeAsync"/>.</summary>
    public SqliteFlowStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        this.options = options;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,

            // The store keeps its own connections; pooling would keep the file open after disposal.
            Pooling = false,
        }.ToString();
    }

    /// <summary>Transactions the writer has committed (group commit puts many requests in one).</summary>
    internal long WriteTransactions => writer?.Transactions ?? 0;

    /// <summary>Write requests the writer has applied.</summary>
    internal long WriteRequests => writer?.Requests ?? 0;

    /// <summary>The writer, so tests can hold it up and make a batch form deterministically.</summary>
    internal SqliteWriter WriterForTests => Writer;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        await initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (writer is not null)
            {
                return;
            }

            var db = OpenWriterConnection();
            try
            {
                SqliteSchema.Migrate(db, options.Path);
            }
            catch (Exception error)
            {
                db.Dispose();
                throw SqliteErrors.ExplainOpen(error, options.Path);
            }

            readers = new SqliteReadPool(connectionString, options.MaxReaders, options.BusyTimeout);
            writer = new SqliteWriter(db, options.Path, options.MaxBatch);
            checkpointer = new SqliteCheckpointer(connectionString, options.BusyTimeout);
        }
        finally
        {
            initLock.Release();
        }
    }

    private SqliteCommandCache OpenWriterConnection()
    {
        var path = options.Path;
        SqliteConnection? connection = null;
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            connection = new SqliteConnection(connectionString);
            connection.Open();
            var db = new SqliteCommandCache(connection);

            // A new file gives pages freed by retention back to the file system (incremental vacuum); this
            // can only be chosen before the first table exists and before WAL mode writes the header.
            // Existing files keep their setting.
            if (IsEmpty(db))
            {
                db.Execute("PRAGMA auto_vacuum = INCREMENTAL");
            }

            db.Execute("PRAGMA journal_mode = WAL");
            db.Execute(options.SynchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            db.Execute($"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
            db.Execute("PRAGMA foreign_keys = OFF");

            // A statement that may write more than one row and stop half-way (a commit's two-row step upsert, a
            // flow's insert, which its trigger may update, a claim, a new flow's steps) keeps a copy of the pages it
            // changes, to undo the statement alone. Past 64 KiB in a transaction SQLite moves that copy to a
            // temporary file, written with two system calls a page: about one a step under load, thousands in a
            // transaction that creates many flows. Kept in memory, it is freed at the end of the transaction (so
            // are the writer's sorts and temporary tables).
            db.Execute("PRAGMA temp_store = MEMORY");

            // Checkpoints run in the background (SqliteCheckpointer); this only bounds the log.
            db.Execute($"PRAGMA wal_autocheckpoint = {SqliteCheckpointer.WriterThresholdPages}");
            if (options.MaxDatabaseBytes is { } maxBytes)
            {
                using var pageSize = connection.CreateCommand();
                pageSize.CommandText = "PRAGMA page_size";
                var bytesPerPage = Convert.ToInt64(pageSize.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                db.Execute($"PRAGMA max_page_count = {Math.Max(1, maxBytes / bytesPerPage)}");
            }

            return db;
        }
        catch (Exception error)
        {
            connection?.Dispose();
            throw SqliteErrors.ExplainOpen(error, path);
        }
    }

    private static bool IsEmpty(SqliteCommandCache db)
    {
        using var count = db.Connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM sqlite_master";
        return (long)count.ExecuteScalar()! == 0;
    }

    /// <summary>Finishes queued writes, stops the writer and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await initLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // The store may be disposed more than once (a host disposes each service it was registered as).
            if (checkpointer is not null)
            {
                await checkpointer.DisposeAsync().ConfigureAwait(false);
                checkpointer = null;
            }

            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }

            readers?.Dispose();
        }
        finally
        {
            initLock.Release();
        }
    }

    private SqliteWriter Writer => writer ?? throw NotInitialized();

    private SqliteReadPool Readers => readers ?? throw NotInitialized();

    private InvalidOperationException NotInitialized() =>
        new($"The SQLite flow store '{options.Path}' is not initialized: call InitializeAsync first.");

    /// <summary>Runs <paramref name="work"/> in the writer's next transaction (also used by <see cref="SqliteUserStore"/>).</summary>
    internal async ValueTask<T> WriteAsync<T>(Func<SqliteCommandCache, T> work, CancellationToken cancellationToken) =>
        await Writer.WriteAsync(work, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs <paramref name="work"/> on a pooled read connection (also used by <see cref="SqliteUserStore"/>).</summary>
    internal ValueTask<T> ReadAsync<T>(Func<SqliteCommandCache, T> work, CancellationToken cancellationToken) =>
        Readers.ReadAsync(
            db =>
            {
                try
                {
                    return work(db);
                }
                catch (SqliteException error)
                {
                    throw SqliteErrors.Explain(error, options.Path);
                }
            },
            cancellationToken);
}
