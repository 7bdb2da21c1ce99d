using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Microsoft.Data.Sqlite;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The schedule role (IScheduleStore): every write on the one writer, a firing and its flows in one transaction.
public sealed partial class SqliteFlowStore
{
    private const string ScheduleColumns = RelationalSql.ScheduleColumns;
    private const string NotBufferedOrRunning = "(s.buffered_slot IS NULL OR NOT " + RelationalSql.LastFlowEnded + ")";

    // Claimable: unleased and due (schedules_due), due with the lease run out (schedules_leased), or a
    // buffered slot whose last flow has ended (schedules_buffered), which counts as due now. The three are
    // disjoint, so no schedule is counted twice.
    internal const string ClaimDueSchedulesSql =
        "UPDATE schedules SET lease_owner = @owner, lease_expires_at = @expires WHERE name IN (SELECT name FROM (" +
        "SELECT * FROM (SELECT s.name, s.next_fire_at AS due FROM schedules s WHERE s.next_fire_at <= @now AND s.paused = 0 AND s.lease_owner IS NULL " +
        "AND " + NotBufferedOrRunning + " ORDER BY s.next_fire_at, s.name LIMIT @max) " +
        "UNION ALL " +
        "SELECT * FROM (SELECT s.name, s.next_fire_at FROM schedules s WHERE s.lease_owner IS NOT NULL AND (s.lease_expires_at IS NULL OR s.lease_expires_at <= @now) " +
        "AND s.next_fire_at <= @now AND s.paused = 0 AND " + NotBufferedOrRunning + " ORDER BY s.next_fire_at, s.name LIMIT @max) " +
        "UNION ALL " +
        "SELECT * FROM (SELECT s.name, @now FROM schedules s WHERE s.buffered_slot IS NOT NULL AND s.paused = 0 " +
        "AND (s.lease_owner IS NULL OR s.lease_expires_at IS NULL OR s.lease_expires_at <= @now) AND " + RelationalSql.LastFlowEnded + " ORDER BY s.name LIMIT @max)) " +
        "ORDER BY due, name LIMIT @max) " + ReturningClaimed;

    private const string ClaimScheduleSql =
        "UPDATE schedules SET lease_owner = @owner, lease_expires_at = @expires WHERE name = @name " +
        "AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at IS NULL OR lease_expires_at <= @now) " + ReturningClaimed;

    private const string ReturningClaimed = "RETURNING " + ScheduleColumns + ", (SELECT f.state FROM flows f WHERE f.id = schedules.last_flow_id)";

    private const string HoldsScheduleSql = "SELECT EXISTS (SELECT 1 FROM schedules WHERE name = ?1 AND lease_owner = ?2)";

    private const string FireScheduleSql =
        "UPDATE schedules SET next_fire_at = CASE WHEN ?2 THEN ?3 ELSE next_fire_at END, " +
        "last_slot = CASE WHEN ?4 IS NOT NULL AND (last_slot IS NULL OR ?4 > last_slot) THEN ?4 ELSE last_slot END, " +
        "last_flow_id = COALESCE((SELECT id FROM flows WHERE key = ?5), last_flow_id), " +
        "buffered_slot = ?6, last_error = ?7, updated_at = ?8, lease_owner = NULL, lease_expires_at = NULL " +
        "WHERE name = ?1 AND lease_owner = ?9";

    /// <inheritdoc/>
    public ValueTask<bool> CreateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentException.ThrowIfNullOrEmpty(schedule.Name);
        var s = schedule.Clone();
        return WriteAsync(db =>
        {
            var cmd = db.Get("INSERT INTO schedules (" + ScheduleColumns + ") VALUES (@name, @owner, @definition, @paused, @note, @next, @last_slot, " +
                "@last_flow_id, @buffered, @error, @lease_owner, @lease_expires_at, @created_at, @updated_at) ON CONFLICT (name) DO NOTHING");
            BindSchedule(cmd, s);
            Add(cmd, "@last_slot", Ms(s.LastSlot));
            Add(cmd, "@last_flow_id", s.LastFlowId);
            Add(cmd, "@lease_owner", s.LeaseOwner);
            Add(cmd, "@lease_expires_at", Ms(s.LeaseExpiresAt));
            Add(cmd, "@created_at", Ms(s.CreatedAt));
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var s = schedule.Clone();
        return WriteAsync(db =>
        {
            var cmd = db.Get("UPDATE schedules SET owner = @owner, definition_json = @definition, paused = @paused, note = @note, next_fire_at = @next, " +
                "buffered_slot = @buffered, last_error = @error, updated_at = @updated_at, lease_owner = NULL, lease_expires_at = NULL WHERE name = @name");
            BindSchedule(cmd, s);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<ScheduleRecord?> GetScheduleAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(db =>
        {
            var cmd = db.Get("SELECT " + ScheduleColumns + " FROM schedules WHERE name = @name");
            Add(cmd, "@name", name);
            return ReadAll(cmd, RelationalRows.ReadSchedule).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ScheduleRecord>>(db => ReadAll(db.Get("SELECT " + ScheduleColumns + " FROM schedules ORDER BY name"), RelationalRows.ReadSchedule), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteScheduleAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var cmd = db.Get("DELETE FROM schedules WHERE name = @name");
            Add(cmd, "@name", name);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedSchedule>> ClaimDueSchedulesAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            return ValueTask.FromResult<IReadOnlyList<ClaimedSchedule>>([]);
        }

        return WriteAsync<IReadOnlyList<ClaimedSchedule>>(db =>
        {
            var cmd = db.Get(ClaimDueSchedulesSql);
            Add(cmd, "@owner", owner);
            Add(cmd, "@expires", Ms(now + lease));
            Add(cmd, "@now", Ms(now));
            Add(cmd, "@max", max);
            var claimed = ReadAll(cmd, RelationalRows.ReadClaimedSchedule);
            ScheduleClaimOrder.Sort(claimed, now);
            return claimed;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<ClaimedSchedule?> ClaimScheduleAsync(string name, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(db =>
        {
            var cmd = db.Get(ClaimScheduleSql);
            Add(cmd, "@name", name);
            Add(cmd, "@owner", owner);
            Add(cmd, "@expires", Ms(now + lease));
            Add(cmd, "@now", Ms(now));
            return ReadAll(cmd, RelationalRows.ReadClaimedSchedule).FirstOrDefault();
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ScheduleFireResult>> FireSchedulesAsync(IReadOnlyList<ScheduleFiring> firings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firings);
        if (firings.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<ScheduleFireResult>>([]);
        }

        // Applied later on the writer thread: copies the caller cannot change meanwhile. One request, so one
        // transaction for the whole batch, however many schedules fire in it.
        var copies = firings.Select(f => f with { Flows = [.. f.Flows.Select(n => n with { Flow = n.Flow.Clone() })] }).ToArray();
        return WriteAsync<IReadOnlyList<ScheduleFireResult>>(db =>
        {
            var results = new List<ScheduleFireResult>(copies.Length);
            foreach (var firing in copies)
            {
                results.Add(Fire(db, firing));
            }

            return results;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextScheduleDueAsync(CancellationToken cancellationToken) =>
        ReadAsync<DateTimeOffset?>(db =>
        {
            // Unleased schedules: the first row of schedules_due. Leased ones: when the lease ends, if later.
            var cmd = db.Get(
                "SELECT MIN(t) FROM (" +
                "SELECT MIN(next_fire_at) AS t FROM schedules WHERE next_fire_at IS NOT NULL AND paused = 0 AND lease_owner IS NULL " +
                "UNION ALL SELECT MIN(MAX(next_fire_at, COALESCE(lease_expires_at, next_fire_at))) FROM schedules " +
                "WHERE lease_owner IS NOT NULL AND next_fire_at IS NOT NULL AND paused = 0)");
            return cmd.ExecuteScalar() is long ms ? Time(ms) : null;
        }, cancellationToken);

    private static ScheduleFireResult Fire(SqliteCommandCache db, ScheduleFiring firing)
    {
        if (db.Prepared(HoldsScheduleSql).Text(1, firing.Name).Text(2, firing.LeaseOwner).ScalarInt() != 1)
        {
            return new ScheduleFireResult(firing.Name, false, []);
        }

        var created = new List<FlowRecord>();
        foreach (var flow in firing.Flows)
        {
            // A slot started already keeps its flow (the key is taken): not created again.
            if (InsertFlow(db, flow))
            {
                created.Add(flow.Flow);
            }
        }

        db.Prepared(FireScheduleSql)
            .Text(1, firing.Name)
            .Int(2, firing.AdvancesNextFire ? 1 : 0)
            .Int(3, Ms(firing.NextFireAt))
            .Int(4, Ms(firing.LastSlot))
            .Text(5, firing.LastFlowKey)
            .Int(6, Ms(firing.BufferedSlot))
            .Text(7, firing.LastError)
            .Int(8, Ms(firing.Now))
            .Text(9, firing.LeaseOwner)
            .Execute();
        return new ScheduleFireResult(firing.Name, true, created);
    }

    /// <summary>Binds what create and update both write: the definition, state and times of the schedule.</summary>
    private static void BindSchedule(SqliteCommand cmd, ScheduleRecord s)
    {
        Add(cmd, "@name", s.Name);
        Add(cmd, "@owner", s.Owner);
        Add(cmd, "@definition", s.DefinitionJson);
        Add(cmd, "@paused", s.Paused ? 1 : 0);
        Add(cmd, "@note", s.Note);
        Add(cmd, "@next", Ms(s.NextFireAt));
        Add(cmd, "@buffered", Ms(s.BufferedSlot));
        Add(cmd, "@error", s.LastError);
        Add(cmd, "@updated_at", Ms(s.UpdatedAt));
    }

    private static List<T> ReadAll<T>(SqliteCommand cmd, Func<SqliteDataReader, T> read)
    {
        var list = new List<T>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(read(r));
        }

        return list;
    }
}
