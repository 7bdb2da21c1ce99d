using FlowMachine.Storage;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

/// <summary>
/// Flow control statements, run on the writer (one writer at a time across processes, so a count and the
/// insert it allows need no further lock).
/// </summary>
internal static class SqliteLimits
{
    // Expired tokens are deleted at every this many tokens of a key (the window holds them as long as they count).
    private const int TokensBetweenCleanups = 16;

    private const string HeldSql = "SELECT count(*) FROM limit_slots s WHERE s.key = w.key AND s.expires_at > @now";

    public static bool Acquire(SqliteCommandCache db, SlotRequest r)
    {
        // The usual case in two statements: take (or renew) this step's slot when the others' live slots leave room,
        // then stop waiting for the key.
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

    /// <summary>
    /// The step of <paramref name="r"/> takes over the live slot <paramref name="freed"/> its flow frees in the same
    /// commit, in one statement: the key's count stays, so no waiter could have had it. Unless the flow waits for the
    /// key or the key holds more than the limit, when the slot is freed (waking the oldest waiter) and asked for as usual.
    /// </summary>
    public static bool HandOver(SqliteCommandCache db, SlotRequest r, LimitSlot freed, out bool woke)
    {
        woke = false;
        if (db.Prepared("UPDATE OR IGNORE limit_slots SET step_key = ?4, owner = ?5, expires_at = ?6 " +
                "WHERE key = ?1 AND flow_id = ?2 AND step_key = ?3 AND expires_at > ?7 " +
                "AND NOT EXISTS (SELECT 1 FROM limit_waiters WHERE key = ?1 AND flow_id = ?2) " +
                "AND (SELECT count(*) FROM limit_slots WHERE key = ?1 AND expires_at > ?7) <= ?8")
            .Text(1, r.Key).Text(2, r.FlowId).Text(3, freed.StepKey).Text(4, r.StepKey).Text(5, r.Owner).Int(6, Ms(r.ExpiresAt)).Int(7, Ms(r.Now)).Int(8, r.Limit)
            .Execute() == 1)
        {
            return true;
        }

        woke = Release(db, r.FlowId, [freed], r.Now);
        return Acquire(db, r);
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
            // Usually no one waits: one probe of the key's waiters, answered by the index.
            var next = db.Prepared("DELETE FROM limit_waiters WHERE key = ?1 AND flow_id = " +
                "(SELECT flow_id FROM limit_waiters WHERE key = ?1 ORDER BY since, flow_id LIMIT 1) RETURNING flow_id").Text(1, key).Texts();
            if (next.Count == 0)
            {
                return false;
            }

            if (db.Prepared("UPDATE flows SET next_run_at = MIN(next_run_at, ?2) WHERE id = ?1 AND next_run_at IS NOT NULL").Text(1, next[0]).Int(2, Ms(now)).Execute() == 1)
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

    public static DateTimeOffset? TakeToken(SqliteCommandCache db, LimitAsk ask, DateTimeOffset now) => TakeToken(db, ask.Key, ask.Limit, ask.Per!.Value, now);

    public static DateTimeOffset? TakeToken(SqliteCommandCache db, string key, int limit, TimeSpan per, DateTimeOffset now)
    {
        var perMs = (long)per.TotalMilliseconds;
        var at = Ms(now);

        // A key's tokens are numbered in the order taken (rate_log.seq), and taken in time order: the window holds
        // `limit` tokens or more exactly when the one `limit` back from the next is still in it. So a take reads the
        // key's last token and that one by primary key, however many tokens the window holds.
        Span<long?> last = stackalloc long?[3];
        var seq = 0L;
        if (db.Prepared("SELECT l.seq, l.taken_at, (SELECT c.taken_at FROM rate_log c WHERE c.key = ?1 AND c.seq = l.seq + 1 - ?2) " +
                "FROM rate_log l WHERE l.key = ?1 ORDER BY l.seq DESC LIMIT 1").Text(1, key).Int(2, limit).Row(last))
        {
            // Never a token before the latest of its key: a "now" read before another process took one asks again from there.
            if (last[1] is { } latest && latest > at)
            {
                return Time(latest);
            }

            if (last[2] is { } limitBack && limitBack > at - perMs)
            {
                return Time(limitBack + perMs);
            }

            seq = last[0] ?? 0;
        }

        db.Prepared("INSERT INTO rate_log (key, seq, taken_at) VALUES (?1, ?2, ?3)").Text(1, key).Int(2, ++seq).Int(3, at).Execute();
        if (seq % TokensBetweenCleanups == 0)
        {
            // The tokens out of the window, and those too far back to be read again, go now and then (not at every take).
            db.Prepared("DELETE FROM rate_log WHERE key = ?1 AND seq < max(?3, " +
                    "coalesce((SELECT seq FROM rate_log WHERE key = ?1 AND taken_at > ?2 ORDER BY seq LIMIT 1), ?3))")
                .Text(1, key).Int(2, at - perMs).Int(3, seq + 1 - limit).Execute();
        }

        return null;
    }
}
