using FlowMachine.Storage;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

/// <summary>
/// Flow control statements, run on the writer (one writer at a time across processes, so a count and the
/// insert it allows need no further lock).
/// </summary>
internal static class SqliteLimits
{
    private const string HeldSql = "SELECT count(*) FROM limit_slots s WHERE s.key = w.key AND s.expires_at > @now";

    public static bool Acquire(SqliteCommandCache db, SlotRequest r)
    {
        // The usual case in two statements: take (or renew) this step's slot unless the others' live slots fill the key,
        // then clear the flow's place among the key's waiters.
        if (db.Prepared("INSERT INTO limit_slots (key, flow_id, step_key, owner, expires_at) SELECT ?1, ?3, ?4, ?5, ?6 " +
                "WHERE (SELECT count(*) FROM limit_slots WHERE key = ?1 AND expires_at > ?2 AND NOT (flow_id = ?3 AND step_key = ?4)) < ?7 " +
                "ON CONFLICT (key, flow_id, step_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at")
            .Text(1, r.Key).Int(2, Ms(r.Now)).Text(3, r.FlowId).Text(4, r.StepKey).Text(5, r.Owner).Int(6, Ms(r.ExpiresAt)).Int(7, r.Limit).Execute() == 0)
        {
            db.Prepared("DELETE FROM limit_slots WHERE key = ?1 AND expires_at <= ?2").Text(1, r.Key).Int(2, Ms(r.Now)).Execute();
            db.Prepared("INSERT OR IGNORE INTO limit_waiters (key, flow_id, since, lim) VALUES (?1, ?2, ?3, ?4)")
                .Text(1, r.Key).Text(2, r.FlowId).Int(3, Ms(r.Now)).Int(4, r.Limit).Execute();
            return false;
        }

        db.Prepared("DELETE FROM limit_waiters WHERE key = ?1 AND flow_id = ?2").Text(1, r.Key).Text(2, r.FlowId).Execute();
        return true;
    }

    /// <summary>Frees the slots; the oldest waiter of each freed key whose flow still waits is made due at <paramref name="now"/>.</summary>
    public static bool Release(SqliteCommandCache db, string flowId, IReadOnlyList<LimitSlot> slots, DateTimeOffset now)
    {
        var woke = false;
        foreach (var slot in slots)
        {
            if (db.Prepared("DELETE FROM limit_slots WHERE key = ?1 AND flow_id = ?2 AND step_key = ?3").Text(1, slot.Key).Text(2, flowId).Text(3, slot.StepKey).Execute() == 0)
            {
                continue;
            }

            woke |= WakeOldest(db, slot.Key, now);
        }

        return woke;
    }

    /// <summary>Removes the slots expired at <paramref name="now"/>; the oldest waiter of each freed key is made due.</summary>
    public static bool Expire(SqliteCommandCache db, DateTimeOffset now) =>
        WakeEach(db, db.Prepared("DELETE FROM limit_slots WHERE expires_at <= ?1 RETURNING key").Int(1, Ms(now)).Texts(), now);

    /// <summary>The flow ended: its slots are freed (waking the oldest waiter of each key) and it waits for no key.</summary>
    public static bool End(SqliteCommandCache db, string flowId, DateTimeOffset now)
    {
        db.Prepared("DELETE FROM limit_waiters WHERE flow_id = ?1").Text(1, flowId).Execute();
        return WakeEach(db, db.Prepared("DELETE FROM limit_slots WHERE flow_id = ?1 RETURNING key").Text(1, flowId).Texts(), now);
    }

    private static bool WakeEach(SqliteCommandCache db, List<string> keys, DateTimeOffset now)
    {
        var woke = false;
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            woke |= WakeOldest(db, key, now);
        }

        return woke;
    }

    /// <summary>Makes the oldest waiter of <paramref name="key"/> whose flow still waits due at <paramref name="now"/>.</summary>
    private static bool WakeOldest(SqliteCommandCache db, string key, DateTimeOffset now)
    {
        while (true)
        {
            var next = db.Get("DELETE FROM limit_waiters WHERE key = @key AND flow_id = (SELECT flow_id FROM limit_waiters WHERE key = @key ORDER BY since, flow_id LIMIT 1) RETURNING flow_id");
            Add(next, "@key", key);
            if (next.ExecuteScalar() is not string waiter)
            {
                return false;
            }

            if (db.Prepared("UPDATE flows SET next_run_at = MIN(next_run_at, ?2) WHERE id = ?1 AND next_run_at IS NOT NULL").Text(1, waiter).Int(2, Ms(now)).Execute() == 1)
            {
                return true;
            }
        }
    }

    /// <summary>A flow just refused a slot: due now if it was woken meanwhile or a key it waits for has a free slot.</summary>
    public static bool Recheck(SqliteCommandCache db, string flowId, DateTimeOffset now)
    {
        var cmd = db.Get("UPDATE flows SET next_run_at = MIN(next_run_at, @now) WHERE id = @id AND next_run_at IS NOT NULL AND " +
            "(NOT EXISTS (SELECT 1 FROM limit_waiters WHERE flow_id = @id) OR EXISTS (SELECT 1 FROM limit_waiters w WHERE w.flow_id = @id AND (" + HeldSql + ") < w.lim))");
        Add(cmd, "@id", flowId);
        Add(cmd, "@now", Ms(now));
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// Takes a token of the key unless a token of the key was taken later than <paramref name="now"/> or the window up
    /// to <paramref name="now"/> holds <paramref name="limit"/>; null when taken, else when to ask again.
    /// </summary>
    public static DateTimeOffset? TakeToken(SqliteCommandCache db, string key, int limit, TimeSpan per, DateTimeOffset now)
    {
        var perMs = (long)per.TotalMilliseconds;

        // The usual case in one statement. Counting the window's tokens walks them all; first a bound from two index
        // lookups settles a window far below its limit: a key's tokens are taken in time order (never one before the
        // latest), and rowids grow with every insert, so the window holds at most the rowids from its oldest token to the
        // newest. Near the limit the walk decides.
        if (db.Prepared("INSERT INTO rate_tokens (key, taken_at) SELECT ?1, ?2 " +
                "WHERE COALESCE((SELECT max(taken_at) FROM rate_tokens WHERE key = ?1), ?2) <= ?2 " +
                "AND (COALESCE((SELECT rowid FROM rate_tokens WHERE key = ?1 ORDER BY taken_at DESC, rowid DESC LIMIT 1) " +
                "- (SELECT rowid FROM rate_tokens WHERE key = ?1 AND taken_at > ?3 ORDER BY taken_at, rowid LIMIT 1) + 1, 0) < ?4 " +
                "OR (SELECT taken_at FROM rate_tokens WHERE key = ?1 AND taken_at > ?3 ORDER BY taken_at DESC LIMIT 1 OFFSET ?5) IS NULL)")
            .Text(1, key).Int(2, Ms(now)).Int(3, Ms(now) - perMs).Int(4, limit).Int(5, limit - 1).Execute() == 1)
        {
            // Tokens out of their window count no more; they go with every 64th token taken, not each time.
            if ((SQLitePCL.raw.sqlite3_last_insert_rowid(db.Connection.Handle) & 63) == 0)
            {
                db.Prepared("DELETE FROM rate_tokens WHERE key = ?1 AND taken_at <= ?2").Text(1, key).Int(2, Ms(now) - perMs).Execute();
            }

            return null;
        }

        // Refused: when to ask again.
        if (db.Prepared("SELECT max(taken_at) FROM rate_tokens WHERE key = ?1").Text(1, key).ScalarInt() is { } latest && latest > Ms(now))
        {
            return Time(latest); // a "now" read before another process took one asks again from there
        }

        db.Prepared("DELETE FROM rate_tokens WHERE key = ?1 AND taken_at <= ?2").Text(1, key).Int(2, Ms(now) - perMs).Execute();
        if (db.Prepared("SELECT taken_at FROM rate_tokens WHERE key = ?1 ORDER BY taken_at DESC LIMIT 1 OFFSET ?2").Text(1, key).Int(2, limit - 1).ScalarInt() is { } oldest)
        {
            return Time(oldest + perMs); // the token that comes back first frees the next
        }

        db.Prepared("INSERT INTO rate_tokens (key, taken_at) VALUES (?1, ?2)").Text(1, key).Int(2, Ms(now)).Execute();
        return null;
    }
}
