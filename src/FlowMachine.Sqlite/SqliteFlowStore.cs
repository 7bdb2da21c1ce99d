using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

/// <summary>
/// The embedded flow store: one SQLite file in WAL mode. Every write goes through one writer that
/// commits whatever is queued in one transaction (group commit); reads use a small pool of separate
/// connections. Call <see cref="InitializeAsync"/> once before use, and dispose to stop the writer.
/// </summary>
public sealed class SqliteFlowStore : IFlowStore, IAsyncDisposable
{
    // A waiting step holding the token, unless the token was taken already.
    private const string FindTokenSql =
        "SELECT flow_id, key, started_at FROM steps WHERE resume_token = @token AND state = 'WAITING' " +
        "AND NOT EXISTS (SELECT 1 FROM used_resume_tokens WHERE token = @token) LIMIT 1";

    // The oldest due flows: unleased ones from the head of flows_due, and flows whose lease ran out from
    // flows_leased (only flows held right now are in it). Neither read steps past the flows running now.
    internal const string ClaimDueSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires WHERE id IN (" +
        "SELECT id FROM (" +
        "SELECT * FROM (SELECT id, next_run_at FROM flows WHERE next_run_at <= @now AND lease_owner IS NULL ORDER BY next_run_at, id LIMIT @max) " +
        "UNION ALL " +
        "SELECT * FROM (SELECT id, next_run_at FROM flows WHERE lease_owner IS NOT NULL AND (lease_expires_at IS NULL OR lease_expires_at <= @now) " +
        "AND next_run_at <= @now ORDER BY next_run_at, id LIMIT @max)) " +
        "ORDER BY next_run_at, id LIMIT @max) RETURNING id, next_run_at";

    private const string ClaimOneSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires WHERE id = @id AND next_run_at <= @now " +
        "AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at IS NULL OR lease_expires_at <= @now) RETURNING id, next_run_at";

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
            db.Execute("PRAGMA journal_mode = WAL");
            db.Execute(options.SynchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            db.Execute($"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}");
            db.Execute("PRAGMA foreign_keys = OFF");

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

    // Routines -------------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(specJson);
        return WriteAsync(db =>
        {
            var newest = db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1");
            Add(newest, "@name", name);
            var current = ReadRoutines(newest).FirstOrDefault();
            if (current is not null && string.Equals(current.SpecJson, specJson, StringComparison.Ordinal))
            {
                return current;
            }

            var record = new RoutineRecord(name, (current?.Version ?? 0) + 1, specJson, owner, Time(Ms(now)));
            var insert = db.Get("INSERT INTO routines (name, version, spec_json, owner, created_at) VALUES (@name, @version, @spec, @owner, @at)");
            Add(insert, "@name", name);
            Add(insert, "@version", record.Version);
            Add(insert, "@spec", specJson);
            Add(insert, "@owner", owner);
            Add(insert, "@at", Ms(now));
            insert.ExecuteNonQuery();
            return record;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken) =>
        ReadAsync(db =>
        {
            var cmd = version is null
                ? db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1")
                : db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name AND version = @version");
            Add(cmd, "@name", name);
            if (version is not null)
            {
                Add(cmd, "@version", version);
            }

            return ReadRoutines(cmd).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RoutineRecord>>(db => ReadRoutines(db.Get(
            "SELECT r.name, r.version, r.spec_json, r.owner, r.created_at FROM routines r " +
            "WHERE r.version = (SELECT MAX(version) FROM routines WHERE name = r.name) ORDER BY r.name")), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RoutineRecord>>(db =>
        {
            var cmd = db.Get("SELECT name, version, spec_json, owner, created_at FROM routines WHERE name = @name ORDER BY version");
            Add(cmd, "@name", name);
            return ReadRoutines(cmd);
        }, cancellationToken);

    // Flows ----------------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<CreateFlowResult> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentException.ThrowIfNullOrEmpty(flow.Flow.Id);
        return WriteAsync(db =>
        {
            // The one writer serialises creates, so "insert unless the key is taken" cannot race.
            if (InsertFlow(db, flow))
            {
                return new CreateFlowResult(flow.Flow.Clone(), true);
            }

            return new CreateFlowResult(LoadFlowByKey(db, flow.Flow.Key!)!, false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync(db => LoadFlow(db, flowId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken) =>
        ReadAsync(db => LoadFlowByKey(db, key), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StepRecord>>(db => LoadSteps(db, flowId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var after = query.After is null ? ((long CreatedAt, string Id)?)null : DecodeCursor(query.After);

        // Only the filters in use appear in the SQL, so each combination gets its own cached statement.
        var sql = new StringBuilder("SELECT ").Append(FlowColumns).Append(" FROM flows WHERE 1 = 1");
        if (query.State is not null)
        {
            sql.Append(" AND state = @state");
        }

        if (query.Routine is not null)
        {
            sql.Append(" AND routine = @routine");
        }

        if (query.Key is not null)
        {
            sql.Append(" AND key = @key");
        }

        if (query.Owner is not null)
        {
            sql.Append(" AND owner = @owner");
        }

        if (query.ParentFlowId is not null)
        {
            sql.Append(" AND parent_flow_id = @parent");
        }

        if (after is not null)
        {
            sql.Append(" AND (created_at, id) < (@after_at, @after_id)");
        }

        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit");
        var text = sql.ToString();

        return ReadAsync(db =>
        {
            var cmd = db.Get(text);
            if (query.State is { } state)
            {
                Add(cmd, "@state", state.ToName());
            }

            Add(cmd, "@routine", query.Routine);
            Add(cmd, "@key", query.Key);
            Add(cmd, "@owner", query.Owner);
            Add(cmd, "@parent", query.ParentFlowId);
            if (after is { } cursor)
            {
                Add(cmd, "@after_at", cursor.CreatedAt);
                Add(cmd, "@after_id", cursor.Id);
            }

            // One more row than asked tells whether another page follows.
            Add(cmd, "@limit", limit + 1);
            var rows = ReadFlows(db, cmd);
            string? next = null;
            if (rows.Count > limit)
            {
                rows.RemoveRange(limit, rows.Count - limit);
                next = EncodeCursor(Ms(rows[^1].CreatedAt), rows[^1].Id);
            }

            return new FlowPage(rows, next);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        limit <= 0
            ? ValueTask.FromResult<IReadOnlyList<HistoryEvent>>([])
            : ReadAsync<IReadOnlyList<HistoryEvent>>(db => LoadHistory(db, flowId, afterSeq, limit), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<FlowState, long>>(db =>
        {
            var cmd = owner is null
                ? db.Get("SELECT state, COUNT(*) FROM flows GROUP BY state")
                : db.Get("SELECT state, COUNT(*) FROM flows WHERE owner = @owner GROUP BY state");
            Add(cmd, "@owner", owner);
            var counts = Enum.GetValues<FlowState>().ToDictionary(s => s, _ => 0L);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (StateNames.TryParseFlowState(r.GetString(0), out var state))
                {
                    counts[state] = r.GetInt64(1);
                }
            }

            return counts;
        }, cancellationToken);

    // Outside input --------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var payloadCopy = payload?.DeepClone();
        return WriteAsync(db =>
        {
            if (!MakeDue(db, flowId, now))
            {
                return false;
            }

            InsertCommand(db, flowId, kind, stepKey, payloadCopy, actor, now);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> AddEventAsync(string flowId, string name, JsonNode? value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var valueCopy = value?.DeepClone();
        return WriteAsync(db =>
        {
            if (!MakeDue(db, flowId, now))
            {
                return false;
            }

            InsertEvent(db, flowId, name, valueCopy, now);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken) =>
        ReadAsync<(string, string)?>(db =>
        {
            var cmd = db.Get(FindTokenSql);
            Add(cmd, "@token", token);
            using var r = cmd.ExecuteReader();
            return r.Read() ? (r.GetString(0), r.GetString(1)) : null;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);

        // One write transaction (the file's only writer): the read, the check and the take cannot interleave.
        return WriteAsync(db =>
        {
            var find = db.Get(FindTokenSql);
            Add(find, "@token", token);
            string flowId, stepKey;
            DateTimeOffset? started;
            using (var r = find.ExecuteReader())
            {
                if (!r.Read())
                {
                    return ResumeTokenUse.NotFound;
                }

                (flowId, stepKey, started) = (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : Time(r.GetInt64(2)));
            }

            if (started is { } s && now - s >= lifetime)
            {
                return new ResumeTokenUse(ResumeTokenStatus.Expired, flowId, stepKey);
            }

            var used = db.Get("INSERT INTO used_resume_tokens (token, flow_id, step_key, used_at) VALUES (@token, @flow, @step, @at)");
            Add(used, "@token", token);
            Add(used, "@flow", flowId);
            Add(used, "@step", stepKey);
            Add(used, "@at", Ms(now));
            used.ExecuteNonQuery();
            var clear = db.Get("UPDATE steps SET resume_token = NULL WHERE flow_id = @flow AND key = @step AND resume_token = @token");
            Add(clear, "@flow", flowId);
            Add(clear, "@step", stepKey);
            Add(clear, "@token", token);
            clear.ExecuteNonQuery();
            return new ResumeTokenUse(ResumeTokenStatus.Consumed, flowId, stepKey);
        }, cancellationToken);
    }

    // Claiming -------------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            return ValueTask.FromResult<IReadOnlyList<ClaimedFlow>>([]);
        }

        return ClaimAsync(
            db =>
            {
                var cmd = db.Get(ClaimDueSql);
                Add(cmd, "@owner", owner);
                Add(cmd, "@expires", Ms(now + lease));
                Add(cmd, "@now", Ms(now));
                Add(cmd, "@max", max);
                return cmd;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var claimed = await ClaimAsync(
            db =>
            {
                var cmd = db.Get(ClaimOneSql);
                Add(cmd, "@id", flowId);
                Add(cmd, "@owner", owner);
                Add(cmd, "@expires", Ms(now + lease));
                Add(cmd, "@now", Ms(now));
                return cmd;
            },
            cancellationToken).ConfigureAwait(false);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>
    /// Leases flows with <paramref name="claim"/> (an UPDATE … RETURNING id, next_run_at) on the writer,
    /// then reads what the run needs on a read connection, so the one writer spends on a claim only the
    /// row update. Nobody but the new holder changes a leased flow's row, steps or history, so reading
    /// them after the commit sees them as claimed; commands and events that come in meanwhile are read
    /// too, as they would be at the next commit.
    /// </summary>
    private async ValueTask<IReadOnlyList<ClaimedFlow>> ClaimAsync(Func<SqliteCommandCache, SqliteCommand> claim, CancellationToken cancellationToken)
    {
        var ids = await WriteAsync(
            db =>
            {
                var leased = new List<(string Id, long? Due)>();
                using var r = claim(db).ExecuteReader();
                while (r.Read())
                {
                    leased.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetInt64(1)));
                }

                return leased;
            },
            cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return [];
        }

        // RETURNING gives no order; the oldest due flow comes first.
        ids.Sort((a, b) =>
        {
            var byTime = Nullable.Compare(a.Due, b.Due);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
        });

        // Not cancelled half-way: the flows are leased to the caller now, and it must learn of every one.
        return await ReadAsync(
            db =>
            {
                db.Prepared("BEGIN").Execute();
                try
                {
                    var claimed = new List<ClaimedFlow>(ids.Count);
                    foreach (var (id, _) in ids)
                    {
                        var flow = LoadFlow(db, id)
                            ?? throw new InvalidDataException($"Flow '{id}' was leased and is missing from the database.");
                        claimed.Add(LoadClaim(db, flow));
                    }

                    return claimed;
                }
                finally
                {
                    db.Prepared("COMMIT").Execute();
                }
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var ids = flowIds.ToArray();
        return WriteAsync<IReadOnlyList<string>>(db =>
        {
            var lost = new List<string>();
            foreach (var id in ids)
            {
                var cmd = db.Get("UPDATE flows SET lease_expires_at = @expires WHERE id = @id AND lease_owner = @owner");
                Add(cmd, "@id", id);
                Add(cmd, "@owner", owner);
                Add(cmd, "@expires", Ms(expiresAt));
                if (cmd.ExecuteNonQuery() == 0)
                {
                    lost.Add(id);
                }
            }

            return lost;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<CommitResult> CommitAsync(FlowTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);

        // The transition is applied later on the writer thread: take a copy the caller cannot change meanwhile.
        var t = transition with { Flow = transition.Flow.ShallowCopy() };
        return WriteAsync(db =>
        {
            var flowId = t.Flow.Id;

            // The lease check and the row write are one statement; the savepoint undoes the rest on failure.
            if (!UpdateFlow(db, t.Flow, t.LeaseOwner, t.DataChanged, t.StateChanged, t.Release))
            {
                throw new LeaseLostException(flowId, t.LeaseOwner);
            }

            foreach (var step in t.Steps)
            {
                UpsertStep(db, flowId, step);
            }

            foreach (var e in t.History)
            {
                InsertHistory(db, flowId, e);
            }

            foreach (var id in t.ConsumedCommands)
            {
                DeleteCommand(db, flowId, id);
            }

            foreach (var id in t.ConsumedEvents)
            {
                DeleteEvent(db, flowId, id);
            }

            foreach (var child in t.NewFlows)
            {
                // Like CreateFlowAsync: a child whose key is taken is not created again.
                InsertFlow(db, child);
            }

            var at = t.Flow.UpdatedAt;
            foreach (var command in t.Commands)
            {
                // A command for a flow that does not exist has no one to tell; it is dropped.
                if (MakeDue(db, command.FlowId, at))
                {
                    InsertCommand(db, command.FlowId, command.Kind, command.StepKey, command.Payload, null, at);
                }
            }

            var hasCommands = HasCommands(db, flowId);
            if (t.Release && (hasCommands || HasEventsAfter(db, flowId, t.KnownEventId)))
            {
                MakeDue(db, flowId, at);
            }

            return new CommitResult(hasCommands);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FlowCommand>> GetCommandsAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<FlowCommand>>(db => LoadCommands(db, flowId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken) =>
        ReadAsync<DateTimeOffset?>(db =>
        {
            // Unleased flows: the first row of flows_due. Leased flows (flows_leased holds only those): when the lease ends, if later.
            var cmd = db.Get(
                "SELECT MIN(t) FROM (" +
                "SELECT MIN(next_run_at) AS t FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NULL " +
                "UNION ALL SELECT MIN(MAX(next_run_at, COALESCE(lease_expires_at, next_run_at))) FROM flows " +
                "WHERE lease_owner IS NOT NULL AND next_run_at IS NOT NULL)");
            return cmd.ExecuteScalar() is long ms ? Time(ms) : null;
        }, cancellationToken);

    // Paging cursors -------------------------------------------------------------------------

    private static string EncodeCursor(long createdAtMs, string id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(createdAtMs.ToString(CultureInfo.InvariantCulture) + ":" + id));

    private static (long CreatedAt, string Id) DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < text.Length - 1
                && long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at))
            {
                return (at, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Reported below with the same message as any other bad cursor.
        }

        throw new ArgumentException($"The paging cursor '{cursor}' is not valid: pass the Next value of a previous page unchanged.", nameof(cursor));
    }
}
