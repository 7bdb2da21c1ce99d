using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Postgres;

// The schedule role (IScheduleStore): claims with FOR UPDATE SKIP LOCKED, a batch of firings and their flows in one transaction.
public sealed partial class PostgresFlowStore
{
    private const string ScheduleColumns = RelationalSql.ScheduleColumns;
    private const string NotBufferedOrRunning = "(s.buffered_slot IS NULL OR NOT " + RelationalSql.LastFlowEnded + ")";
    private const string LeaseFree = "(s.lease_owner IS NULL OR s.lease_expires_at IS NULL OR s.lease_expires_at <= @now)";

    // Claimable: unleased and due (schedules_due), due with the lease run out (schedules_leased), or a
    // buffered slot whose last flow has ended (schedules_buffered), which counts as due now. The three are
    // disjoint, so no schedule is counted twice; rows another claimer holds locked are skipped.
    internal const string ClaimDueSchedulesSql =
        "WITH due AS (SELECT s.name, s.next_fire_at AS due_at FROM schedules s WHERE s.next_fire_at <= @now AND NOT s.paused AND s.lease_owner IS NULL " +
        "AND " + NotBufferedOrRunning + " ORDER BY s.next_fire_at, s.name LIMIT @max FOR UPDATE OF s SKIP LOCKED), " +
        "expired AS (SELECT s.name, s.next_fire_at FROM schedules s WHERE s.lease_owner IS NOT NULL AND (s.lease_expires_at IS NULL OR s.lease_expires_at <= @now) " +
        "AND s.next_fire_at <= @now AND NOT s.paused AND " + NotBufferedOrRunning + " ORDER BY s.next_fire_at, s.name LIMIT @max FOR UPDATE OF s SKIP LOCKED), " +
        "buffered AS (SELECT s.name, @now AS due_at FROM schedules s WHERE s.buffered_slot IS NOT NULL AND NOT s.paused AND " + LeaseFree + " " +
        "AND " + RelationalSql.LastFlowEnded + " ORDER BY s.name LIMIT @max FOR UPDATE OF s SKIP LOCKED), " +
        "pick AS (SELECT name AS pick_name FROM (SELECT * FROM due UNION ALL SELECT * FROM expired UNION ALL SELECT * FROM buffered) c ORDER BY due_at, name LIMIT @max) " +
        "UPDATE schedules SET lease_owner = @owner, lease_expires_at = @expires FROM pick WHERE name = pick_name " + ReturningClaimed;

    private const string ClaimScheduleSql =
        "UPDATE schedules s SET lease_owner = @owner, lease_expires_at = @expires WHERE s.name = @name " +
        "AND (" + LeaseFree + " OR s.lease_owner = @owner) " + ReturningClaimed;

    private const string ReturningClaimed = "RETURNING " + ScheduleColumns + ", (SELECT f.state FROM flows f WHERE f.id = last_flow_id)";

    // The schedules of a batch of firings still held by their firing's owner, locked (by name: no deadlock
    // with another batch) so that no claim takes them before the transaction ends.
    internal const string LockHeldSchedulesSql =
        "SELECT s.name FROM schedules s JOIN unnest(@names, @owners) AS h(name, owner) ON s.name = h.name AND s.lease_owner = h.owner " +
        "ORDER BY s.name FOR UPDATE OF s";

    // Unleased schedules: the first row of schedules_due. Leased ones: when the lease ends, if later.
    internal const string NextScheduleDueSql =
        "SELECT LEAST(" +
        "(SELECT MIN(next_fire_at) FROM schedules WHERE next_fire_at IS NOT NULL AND NOT paused AND lease_owner IS NULL), " +
        "(SELECT MIN(GREATEST(next_fire_at, COALESCE(lease_expires_at, next_fire_at))) FROM schedules " +
        "WHERE next_fire_at IS NOT NULL AND NOT paused AND lease_owner IS NOT NULL))";

    // Each firing's new state, where its owner still holds the schedule (locked by LockHeldSchedulesSql).
    private const string FireSchedulesSql =
        "UPDATE schedules s SET next_fire_at = CASE WHEN v.advances THEN v.next_at ELSE s.next_fire_at END, " +
        "last_slot = CASE WHEN v.last_slot IS NOT NULL AND (s.last_slot IS NULL OR v.last_slot > s.last_slot) THEN v.last_slot ELSE s.last_slot END, " +
        "last_flow_id = COALESCE((SELECT f.id FROM flows f WHERE f.key = v.last_key), s.last_flow_id), " +
        "buffered_slot = v.buffered, last_error = v.error, updated_at = v.now_at, lease_owner = NULL, lease_expires_at = NULL " +
        "FROM unnest($1::text[], $2::text[], $3::bool[], $4::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::bigint[]) " +
        "AS v(name, owner, advances, next_at, last_slot, last_key, buffered, error, now_at) WHERE s.name = v.name AND s.lease_owner = v.owner";

    /// <inheritdoc/>
    public ValueTask<bool> CreateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentException.ThrowIfNullOrEmpty(schedule.Name);
        var s = schedule.Clone();
        return ExecuteOneAsync(() =>
        {
            var cmd = Command("INSERT INTO schedules (" + ScheduleColumns + ") VALUES (@name, @owner, @definition, @paused, @note, @next, @last_slot, " +
                "@last_flow_id, @buffered, @error, @lease_owner, @lease_expires_at, @created_at, @updated_at) ON CONFLICT (name) DO NOTHING");
            BindSchedule(cmd, s);
            cmd.Parameters.Add(P("last_slot", Ms(s.LastSlot)));
            cmd.Parameters.Add(P("last_flow_id", s.LastFlowId));
            cmd.Parameters.Add(P("lease_owner", s.LeaseOwner));
            cmd.Parameters.Add(P("lease_expires_at", Ms(s.LeaseExpiresAt)));
            cmd.Parameters.Add(P("created_at", Ms(s.CreatedAt)));
            return cmd;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var s = schedule.Clone();
        return ExecuteOneAsync(() =>
        {
            var cmd = Command("UPDATE schedules SET owner = @owner, definition_json = @definition, paused = @paused, note = @note, next_fire_at = @next, " +
                "buffered_slot = @buffered, last_error = @error, updated_at = @updated_at, lease_owner = NULL, lease_expires_at = NULL WHERE name = @name");
            BindSchedule(cmd, s);
            return cmd;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<ScheduleRecord?> GetScheduleAsync(string name, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {ScheduleColumns} FROM schedules WHERE name = @name", p => p.Add(P("name", name)), ReadSchedule, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {ScheduleColumns} FROM schedules ORDER BY name", _ => { }, ReadSchedule, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteScheduleAsync(string name, CancellationToken cancellationToken) =>
        ExecuteOneAsync(() =>
        {
            var cmd = Command("DELETE FROM schedules WHERE name = @name");
            cmd.Parameters.Add(P("name", name));
            return cmd;
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ClaimedSchedule>> ClaimDueSchedulesAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            return [];
        }

        var claimed = await QueryByIndexAsync(ClaimDueSchedulesSql, p =>
        {
            p.Add(P("owner", owner));
            p.Add(P("expires", Ms(now + lease)));
            p.Add(P("now", Ms(now)));
            p.Add(P("max", (int?)max));
        }, ReadClaimedSchedule, cancellationToken).ConfigureAwait(false);
        ScheduleClaimOrder.Sort(claimed, now);
        return claimed;
    }

    /// <inheritdoc/>
    public async ValueTask<ClaimedSchedule?> ClaimScheduleAsync(string name, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var claimed = await QueryAsync(ClaimScheduleSql, p =>
        {
            p.Add(P("name", name));
            p.Add(P("owner", owner));
            p.Add(P("expires", Ms(now + lease)));
            p.Add(P("now", Ms(now)));
        }, ReadClaimedSchedule, cancellationToken).ConfigureAwait(false);
        return claimed.FirstOrDefault();
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduleFireResult>> FireSchedulesAsync(IReadOnlyList<ScheduleFiring> firings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firings);
        if (firings.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<ScheduleFireResult>>([]);
        }

        var copies = firings.Select(f => f with { Flows = [.. f.Flows.Select(n => n with { Flow = n.Flow.Clone() })] }).ToArray();
        return RunAsync<IReadOnlyList<ScheduleFireResult>>(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var held = (await QueryAsync(connection, tx, IndexPlansSql + LockHeldSchedulesSql, p =>
            {
                p.Add(P("names", copies.Select(f => f.Name).ToArray()));
                p.Add(P("owners", copies.Select(f => f.LeaseOwner).ToArray()));
            }, r => r.GetString(0), ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

            // One round trip for the flows and schedules of every firing whose lease holds, as multi-row
            // statements; the flow rows' statement returns the ids it inserted (a slot's key may be taken).
            var fired = copies.Where(f => held.Contains(f.Name)).ToList();
            var flows = fired.SelectMany(f => f.Flows).ToList();
            var inserted = new HashSet<string>(StringComparer.Ordinal);
            if (fired.Count > 0)
            {
                var commands = new List<NpgsqlBatchCommand>();
                NewFlowBatch.Add(commands, flows);
                commands.Add(FireCommand(fired));
                if (flows.Exists(f => f.Flow.NextRunAt is not null))
                {
                    commands.Add(Notify(channel));
                }

                var batch = new NpgsqlBatch(connection, tx);
                await using var batchScope = batch.ConfigureAwait(false);
                foreach (var command in commands)
                {
                    batch.BatchCommands.Add(command);
                }

                var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    while (flows.Count > 0 && await r.ReadAsync(ct).ConfigureAwait(false))
                    {
                        inserted.Add(r.GetString(0));
                    }

                    while (await r.NextResultAsync(ct).ConfigureAwait(false))
                    {
                        // Every statement runs to its end, so an error in any of them surfaces here.
                    }
                }
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            var created = copies.Select(f => held.Contains(f.Name) ? f.Flows.Where(n => inserted.Contains(n.Flow.Id)).Select(n => n.Flow).ToList() : []).ToArray();
            return [.. copies.Select((f, i) => new ScheduleFireResult(f.Name, held.Contains(f.Name), created[i]))];
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<DateTimeOffset?> GetNextScheduleDueAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryByIndexAsync(
            NextScheduleDueSql,
            _ => { },
            r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0),
            cancellationToken).ConfigureAwait(false);
        return rows[0] is { } ms ? Time(ms) : null;
    }

    private static NpgsqlBatchCommand FireCommand(List<ScheduleFiring> firings)
    {
        var cmd = Command(FireSchedulesSql);
        var p = cmd.Parameters;
        p.Add(CommitBatch.Array(NpgsqlDbType.Text, firings.ConvertAll(f => f.Name).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Text, firings.ConvertAll(f => f.LeaseOwner).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Boolean, firings.ConvertAll(f => f.AdvancesNextFire).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Bigint, firings.ConvertAll(f => Ms(f.NextFireAt)).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Bigint, firings.ConvertAll(f => Ms(f.LastSlot)).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Text, firings.ConvertAll(f => f.LastFlowKey).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Bigint, firings.ConvertAll(f => Ms(f.BufferedSlot)).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Text, firings.ConvertAll(f => f.LastError).ToArray()));
        p.Add(CommitBatch.Array(NpgsqlDbType.Bigint, firings.ConvertAll(f => Ms(f.Now)).ToArray()));
        return cmd;
    }

    /// <summary>Binds what create and update both write: the definition, state and times of the schedule.</summary>
    private static void BindSchedule(NpgsqlBatchCommand cmd, ScheduleRecord s)
    {
        var p = cmd.Parameters;
        p.Add(P("name", s.Name));
        p.Add(P("owner", s.Owner));
        p.Add(P("definition", s.DefinitionJson));
        p.Add(P("paused", s.Paused));
        p.Add(P("note", s.Note));
        p.Add(P("next", Ms(s.NextFireAt)));
        p.Add(P("buffered", Ms(s.BufferedSlot)));
        p.Add(P("error", s.LastError));
        p.Add(P("updated_at", Ms(s.UpdatedAt)));
    }

    /// <summary>
    /// Runs a query planned for the values at hand and by index only (see <see cref="PostgresQueries.IndexPlansSql"/>):
    /// schedules are created in bulk and claimed at once, before ANALYZE has seen them.
    /// </summary>
    private ValueTask<List<T>> QueryByIndexAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var rows = await QueryAsync(connection, tx, IndexPlansSql + sql, bind, read, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return rows;
        }, cancellationToken);

    /// <summary>Runs one statement (built afresh for each try) and tells whether it changed one row.</summary>
    private ValueTask<bool> ExecuteOneAsync(Func<NpgsqlBatchCommand> build, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) => (await ExecuteBatchAsync(connection, null, [build()], ct).ConfigureAwait(false))[0] == 1, cancellationToken);
}
