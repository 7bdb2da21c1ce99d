using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Npgsql;
using Polly;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// The scale-out flow store: many worker processes on many machines share one PostgreSQL database.
/// Flows are claimed with <c>FOR UPDATE SKIP LOCKED</c> under leases, commits from many flows are grouped
/// into one transaction, idle workers in other processes are woken with <c>LISTEN/NOTIFY</c>, and
/// transient errors (a restart, a dropped connection) are retried with backoff rather than surfaced.
/// Call <see cref="InitializeAsync"/> once (it migrates the schema), and dispose at the end.
/// </summary>
public sealed class PostgresFlowStore : IFlowStore, IStoreNotifications, IAsyncDisposable
{
    // The oldest due flows: unleased ones from the head of flows_due, and flows whose lease ran out from
    // flows_leased (only flows held right now are in it). Neither reads past the flows running now.
    internal const string ClaimDueSql =
        "WITH due AS (SELECT id, next_run_at FROM flows WHERE next_run_at <= @now AND lease_owner IS NULL " +
        "ORDER BY next_run_at, id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "expired AS (SELECT id, next_run_at FROM flows WHERE lease_owner IS NOT NULL AND (lease_expires_at IS NULL OR lease_expires_at <= @now) " +
        "AND next_run_at <= @now ORDER BY next_run_at, id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "pick AS (SELECT id AS pick_id FROM (SELECT * FROM due UNION ALL SELECT * FROM expired) c ORDER BY next_run_at, id LIMIT @max) " +
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires FROM pick WHERE id = pick_id RETURNING " + FlowColumns;

    private const string ClaimOneSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires WHERE id = @id AND next_run_at <= @now " +
        "AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at IS NULL OR lease_expires_at <= @now) RETURNING " + FlowColumns;

    // A waiting step holding the token, unless the token was taken already.
    private const string FindTokenSql =
        "SELECT flow_id, key, started_at FROM steps WHERE resume_token = @token AND state = 'WAITING' " +
        "AND NOT EXISTS (SELECT 1 FROM used_resume_tokens WHERE token = @token) LIMIT 1";

    private const string RoutineColumns = "name, version, spec_json, owner, created_at";

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
        listener = new PostgresListener(listenSource, channel);
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

    // Plumbing ---------------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection, again on a fresh one after a transient error
    /// (also used by <see cref="PostgresUserStore"/>).
    /// </summary>
    internal async ValueTask<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        await retry.ExecuteAsync(
            async ct =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                return await work(connection, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

    internal ValueTask<List<T>> QueryAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        RunAsync((connection, ct) => QueryAsync(connection, null, sql, bind, read, ct), cancellationToken);

    internal static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        bind(cmd.Parameters);
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(r));
        }

        return list;
    }

    /// <summary>Sends the statements in one round trip (one implicit transaction) and returns each one's row count.</summary>
    private static async Task<int[]> ExecuteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, List<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return [.. commands.Select(c => c.RecordsAffected)];
    }

    // Routines -------------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<RoutineRecord> SaveRoutineAsync(string name, string specJson, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(specJson);
        return RunAsync(async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

            // Two saves of one routine at once must not both pick the next version number.
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('flowmachine.routine:' || @name, 0))", connection, tx))
            {
                lockCmd.Parameters.Add(P("name", name));
                await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var current = (await QueryAsync(connection, tx, $"SELECT {RoutineColumns} FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1",
                p => p.Add(P("name", name)), ReadRoutine, ct).ConfigureAwait(false)).FirstOrDefault();
            if (current is not null && string.Equals(current.SpecJson, specJson, StringComparison.Ordinal))
            {
                return current;
            }

            var record = new RoutineRecord(name, (current?.Version ?? 0) + 1, specJson, owner, Time(Ms(now)));
            await using (var insert = new NpgsqlCommand("INSERT INTO routines (" + RoutineColumns + ") VALUES (@name, @version, @spec, @owner, @at)", connection, tx))
            {
                insert.Parameters.Add(P("name", name));
                insert.Parameters.Add(P("version", (int?)record.Version));
                insert.Parameters.Add(P("spec", specJson));
                insert.Parameters.Add(P("owner", owner));
                insert.Parameters.Add(P("at", Ms(now)));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return record;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<RoutineRecord?> GetRoutineAsync(string name, int? version, CancellationToken cancellationToken) =>
        (await QueryAsync(
            version is null
                ? $"SELECT {RoutineColumns} FROM routines WHERE name = @name ORDER BY version DESC LIMIT 1"
                : $"SELECT {RoutineColumns} FROM routines WHERE name = @name AND version = @version",
            p =>
            {
                p.Add(P("name", name));
                p.Add(P("version", version));
            },
            ReadRoutine,
            cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RoutineRecord>> ListRoutinesAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT DISTINCT ON (name) {RoutineColumns} FROM routines ORDER BY name, version DESC", _ => { }, ReadRoutine, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RoutineRecord>> ListRoutineVersionsAsync(string name, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {RoutineColumns} FROM routines WHERE name = @name ORDER BY version", p => p.Add(P("name", name)), ReadRoutine, cancellationToken).ConfigureAwait(false);

    // Flows ----------------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<CreateFlowResult> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentException.ThrowIfNullOrEmpty(flow.Flow.Id);
        var commands = new List<NpgsqlBatchCommand>();
        AddInsertFlow(commands, flow);
        if (flow.Flow.NextRunAt is not null)
        {
            commands.Add(Notify(channel));
        }

        var copy = flow.Flow.Clone();
        return RunAsync(async (connection, ct) =>
        {
            // ON CONFLICT (key) waits for a concurrent insert of the same key, so racing creates make one flow.
            var counts = await ExecuteBatchAsync(connection, null, Rebuild(commands), ct).ConfigureAwait(false);
            if (counts[0] == 1)
            {
                return new CreateFlowResult(copy, true);
            }

            var existing = await QueryAsync(connection, null, $"SELECT {FlowColumns} FROM flows WHERE key = @key", p => p.Add(P("key", flow.Flow.Key)), ReadFlow, ct).ConfigureAwait(false);
            return new CreateFlowResult(existing.Single(), false);
        }, cancellationToken);
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

    /// <inheritdoc/>
    public async ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FlowColumns} FROM flows WHERE id = @id", p => p.Add(P("id", flowId)), ReadFlow, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FlowColumns} FROM flows WHERE key = @key", p => p.Add(P("key", key)), ReadFlow, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StepColumns} FROM steps WHERE flow_id = @id ORDER BY idx, key", p => p.Add(P("id", flowId)), ReadStep, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        var after = query.After is null ? ((long CreatedAt, string Id)?)null : DecodeCursor(query.After);

        // Only the filters in use appear in the SQL, so the planner sees each combination plainly.
        var sql = new StringBuilder("SELECT ").Append(FlowColumns).Append(" FROM flows WHERE true");
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
        var rows = await QueryAsync(sql.ToString(), p =>
        {
            p.Add(P("state", query.State?.ToName()));
            p.Add(P("routine", query.Routine));
            p.Add(P("key", query.Key));
            p.Add(P("owner", query.Owner));
            p.Add(P("parent", query.ParentFlowId));
            p.Add(P("after_at", after?.CreatedAt));
            p.Add(P("after_id", after?.Id));

            // One more row than asked tells whether another page follows.
            p.Add(P("limit", (int?)(limit + 1)));
        }, ReadFlow, cancellationToken).ConfigureAwait(false);

        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveRange(limit, rows.Count - limit);
            next = EncodeCursor(Ms(rows[^1].CreatedAt), rows[^1].Id);
        }

        return new FlowPage(rows, next);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        limit <= 0
            ? []
            : await QueryAsync(
                "SELECT flow_id, seq, at, kind, step_key, detail FROM history WHERE flow_id = @id AND seq > @after ORDER BY seq LIMIT @limit",
                p =>
                {
                    p.Add(P("id", flowId));
                    p.Add(P("after", (long?)afterSeq));
                    p.Add(P("limit", (int?)limit));
                },
                ReadHistory,
                cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            owner is null ? "SELECT state, COUNT(*) FROM flows GROUP BY state" : "SELECT state, COUNT(*) FROM flows WHERE owner = @owner GROUP BY state",
            p => p.Add(P("owner", owner)),
            r => (State: r.GetString(0), Count: r.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        var counts = Enum.GetValues<FlowState>().ToDictionary(s => s, _ => 0L);
        foreach (var (name, count) in rows)
        {
            if (StateNames.TryParseFlowState(name, out var state))
            {
                counts[state] = count;
            }
        }

        return counts;
    }

    // Outside input --------------------------------------------------------------------------

    /// <inheritdoc/>
    public ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        List<NpgsqlBatchCommand> commands = [EnqueueCommand(flowId, kind, stepKey, payload, actor, now), Notify(channel, onlyIfDueFlowId: flowId)];
        return RunAsync(async (connection, ct) => (await ExecuteBatchAsync(connection, null, Rebuild(commands), ct).ConfigureAwait(false))[0] == 1, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> AddEventAsync(string flowId, string name, JsonNode? value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        List<NpgsqlBatchCommand> commands = [AddEvent(flowId, name, value, now), Notify(channel, onlyIfDueFlowId: flowId)];
        return RunAsync(async (connection, ct) => (await ExecuteBatchAsync(connection, null, Rebuild(commands), ct).ConfigureAwait(false))[0] == 1, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<(string FlowId, string StepKey)?> FindResumeTokenAsync(string token, CancellationToken cancellationToken)
    {
        var hits = await QueryAsync(FindTokenSql, p => p.Add(P("token", token)), r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return hits.Count == 0 ? null : hits[0];
    }

    /// <inheritdoc/>
    public ValueTask<ResumeTokenUse> ConsumeResumeTokenAsync(string token, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return RunAsync(async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

            // FOR UPDATE: a concurrent taker waits here, then re-reads the row and finds the token gone.
            var hits = await QueryAsync(connection, tx, FindTokenSql + " FOR UPDATE", p => p.Add(P("token", token)),
                r => (FlowId: r.GetString(0), StepKey: r.GetString(1), StartedAt: r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), ct).ConfigureAwait(false);
            if (hits.Count == 0)
            {
                return ResumeTokenUse.NotFound;
            }

            var (flowId, stepKey, started) = hits[0];
            if (started is { } ms && now - Time(ms) >= lifetime)
            {
                return new ResumeTokenUse(ResumeTokenStatus.Expired, flowId, stepKey);
            }

            // The primary key is the last word: only one transaction ever inserts the token.
            List<NpgsqlBatchCommand> take =
            [
                TokenCommand("INSERT INTO used_resume_tokens (token, flow_id, step_key, used_at) VALUES (@token, @flow, @step, @at) ON CONFLICT (token) DO NOTHING", token, flowId, stepKey, now),
                TokenCommand("UPDATE steps SET resume_token = NULL WHERE flow_id = @flow AND key = @step AND resume_token = @token", token, flowId, stepKey, now),
            ];
            var counts = await ExecuteBatchAsync(connection, tx, take, ct).ConfigureAwait(false);
            if (counts[0] != 1)
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return ResumeTokenUse.NotFound;
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new ResumeTokenUse(ResumeTokenStatus.Consumed, flowId, stepKey);
        }, cancellationToken);
    }

    private static NpgsqlBatchCommand TokenCommand(string sql, string token, string flowId, string stepKey, DateTimeOffset at)
    {
        var cmd = Command(sql);
        cmd.Parameters.Add(P("token", token));
        cmd.Parameters.Add(P("flow", flowId));
        cmd.Parameters.Add(P("step", stepKey));
        cmd.Parameters.Add(P("at", Ms(at)));
        return cmd;
    }

    // Claiming -------------------------------------------------------------------------------

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            return [];
        }

        return await ClaimAsync(ClaimDueSql, p =>
        {
            p.Add(P("owner", owner));
            p.Add(P("expires", Ms(now + lease)));
            p.Add(P("now", Ms(now)));
            p.Add(P("max", (int?)max));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var claimed = await ClaimAsync(ClaimOneSql, p =>
        {
            p.Add(P("id", flowId));
            p.Add(P("owner", owner));
            p.Add(P("expires", Ms(now + lease)));
            p.Add(P("now", Ms(now)));
        }, cancellationToken).ConfigureAwait(false);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Leases rows with <paramref name="claimSql"/> and loads their steps, commands and events in the same transaction.</summary>
    private ValueTask<List<ClaimedFlow>> ClaimAsync(string claimSql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

            // Planned for the values at hand each time and by index only, in the same round trip (see IndexPlansSql).
            var flows = await QueryAsync(connection, tx, IndexPlansSql + claimSql, bind, ReadFlow, ct).ConfigureAwait(false);
            if (flows.Count == 0)
            {
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return [];
            }

            // RETURNING gives no order; the oldest due flow comes first.
            flows.Sort((a, b) =>
            {
                var byTime = Nullable.Compare(a.NextRunAt, b.NextRunAt);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
            });
            var ids = flows.ConvertAll(f => f.Id).ToArray();
            var steps = new Dictionary<string, List<StepRecord>>(StringComparer.Ordinal);
            var commands = new Dictionary<string, List<FlowCommand>>(StringComparer.Ordinal);
            var events = new Dictionary<string, List<FlowEvent>>(StringComparer.Ordinal);
            var lastSeq = new Dictionary<string, long>(StringComparer.Ordinal);

            // Everything for every claimed flow in one round trip.
            await using (var batch = new NpgsqlBatch(connection, tx))
            {
                foreach (var sql in new[]
                {
                    // One index lookup per claimed flow (LATERAL), whatever plan a prepared statement settles on:
                    // a generic plan for "flow_id = ANY(@ids)" may scan whole tables.
                    $"SELECT s.* FROM unnest(@ids) AS f(id), LATERAL (SELECT {StepColumns} FROM steps WHERE flow_id = f.id) s ORDER BY s.flow_id, s.idx, s.key",
                    "SELECT c.* FROM unnest(@ids) AS f(id), LATERAL (SELECT id, flow_id, kind, step_key, payload, actor, at FROM commands WHERE flow_id = f.id) c ORDER BY c.id",
                    "SELECT e.* FROM unnest(@ids) AS f(id), LATERAL (SELECT id, flow_id, name, value, at FROM events WHERE flow_id = f.id) e ORDER BY e.id",
                    "SELECT f.id, m.seq FROM unnest(@ids) AS f(id), LATERAL (SELECT MAX(seq) AS seq FROM history WHERE flow_id = f.id) m WHERE m.seq IS NOT NULL",
                })
                {
                    var cmd = Command(sql);
                    cmd.Parameters.Add(P("ids", ids));
                    batch.BatchCommands.Add(cmd);
                }

                await using var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    Bucket(steps, r.GetString(0)).Add(ReadStep(r));
                }

                await r.NextResultAsync(ct).ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    Bucket(commands, r.GetString(1)).Add(ReadCommand(r));
                }

                await r.NextResultAsync(ct).ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    Bucket(events, r.GetString(1)).Add(ReadEvent(r));
                }

                await r.NextResultAsync(ct).ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    lastSeq[r.GetString(0)] = r.GetInt64(1);
                }
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return flows.ConvertAll(f => new ClaimedFlow(
                f,
                steps.TryGetValue(f.Id, out var s) ? s : [],
                commands.TryGetValue(f.Id, out var c) ? c : [],
                events.TryGetValue(f.Id, out var e) ? e : [],
                lastSeq.GetValueOrDefault(f.Id)));
        }, cancellationToken);

    private static List<T> Bucket<T>(Dictionary<string, List<T>> map, string id)
    {
        if (!map.TryGetValue(id, out var list))
        {
            list = [];
            map.Add(id, list);
        }

        return list;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var ids = flowIds.ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var held = await QueryAsync(
            // Locks taken in id order, like the group commit's: a renewal and a commit batch cannot deadlock
            // (a deadlock costs a second before PostgreSQL breaks it, and leases may be only a few seconds).
            "UPDATE flows SET lease_expires_at = @expires WHERE id IN (" +
            "SELECT id FROM flows WHERE id = ANY(@ids) AND lease_owner = @owner ORDER BY id FOR UPDATE) AND lease_owner = @owner RETURNING id",
            p =>
            {
                p.Add(P("ids", ids));
                p.Add(P("owner", owner));
                p.Add(P("expires", Ms(expiresAt)));
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        var kept = held.ToHashSet(StringComparer.Ordinal);
        return [.. ids.Where(id => !kept.Contains(id))];
    }

    /// <inheritdoc/>
    public async ValueTask<CommitResult> CommitAsync(FlowTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);

        // The transition is written later by the group commit: take a copy the caller cannot change meanwhile.
        var t = transition with { Flow = transition.Flow.Clone() };
        return await committer.CommitAsync(t, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FlowCommand>> GetCommandsAsync(string flowId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT id, flow_id, kind, step_key, payload, actor, at FROM commands WHERE flow_id = @id ORDER BY id", p => p.Add(P("id", flowId)), ReadCommand, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken)
    {
        // Unleased flows: the first row of flows_due. Leased flows (flows_leased holds only those): when the
        // lease ends, if later. By index only (IndexPlansSql): planned on stale statistics, the second part
        // scanned the whole table, 6 ms each time an idle worker asked.
        var rows = await RunAsync(
            async (connection, ct) =>
            {
                await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                var due = await QueryAsync(
                    connection,
                    tx,
                    IndexPlansSql + "SELECT LEAST(" +
                    "(SELECT MIN(next_run_at) FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NULL), " +
                    "(SELECT MIN(GREATEST(next_run_at, COALESCE(lease_expires_at, next_run_at))) FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NOT NULL))",
                    _ => { },
                    r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0),
                    ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return due;
            },
            cancellationToken).ConfigureAwait(false);
        return rows[0] is { } ms ? Time(ms) : null;
    }

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
