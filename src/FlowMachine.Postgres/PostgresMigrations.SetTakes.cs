namespace FlowMachine.Postgres;

// ---- 27 (the PostgreSQL schema number given to this change; renumbered at merge to follow the others): a batch's hand-overs in one statement ----
internal static partial class PostgresMigrations
{
    /// <summary>The hand-overs of a commit batch as one statement, and its locks taken by one statement.</summary>
    private static readonly string[] SetTakes =
    [
        // 27: limit_lock takes its locks from one statement (the sorted ids materialized first, so that the locks are
        // taken in their order); it and limit_end are PL/pgSQL, whose statements keep their plans between calls (an SQL
        // function's are planned again at every call). limit_take_all first hands over, in one UPDATE, every slot whose
        // hand-over would be granted at its own place in the batch and changes nothing another take of the batch sees:
        // the first ask of its step (no refusal before it), its flow's only slot ask of that key in the batch, no other
        // take of the key with a higher limit (the key's count stays within this limit whatever the takes before it),
        // and no slot of the key that expires between the batch's earliest and latest time (the key's count is the same
        // at every take's time). The function of migration 26, now limit_take_each, takes every other one in the
        // batch's order as before; a step whose first ask was handed over counts it as granted. The hand-over statement
        // is planned without bitmap scans: a bitmap scan marks no dead index entry, and the slots of a key leave many
        // (every hand-over a new version) that each later count would visit again until the table is vacuumed.
        """
        CREATE OR REPLACE FUNCTION limit_lock(p_names text[])
        RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM (WITH h AS MATERIALIZED (SELECT DISTINCT hashtextextended(current_schema() || n, 0) AS id FROM unnest(p_names) AS n ORDER BY 1)
                SELECT count(pg_advisory_xact_lock(h.id)) FROM h);
        END $$;

        CREATE OR REPLACE FUNCTION limit_end(p_flow text, p_now bigint, p_channel text)
        RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE woken integer;
        BEGIN
            DELETE FROM limit_waiters WHERE flow_id = p_flow;
            WITH gone AS (DELETE FROM limit_slots WHERE flow_id = p_flow RETURNING key)
            SELECT limit_wake_keys(array_agg(key), p_now, p_channel) INTO woken FROM gone;
            RETURN woken;
        END $$;

        ALTER FUNCTION limit_take_all(integer[], integer[], text[], text[], text[], text[], integer[], bigint[], text[], bigint[], bigint[], text)
            RENAME TO limit_take_each;

        CREATE FUNCTION limit_take_all(p_of integer[], p_take integer[], p_flow text[], p_step text[], p_owner text[], p_key text[],
            p_limit integer[], p_per bigint[], p_from text[], p_now bigint[], p_expires bigint[], p_channel text)
        RETURNS TABLE (limit_take_of integer, limit_take integer, granted integer, token_back bigint) LANGUAGE plpgsql AS $$
        DECLARE moved integer[] := '{}'; bitmaps text;
        BEGIN
            IF array_remove(p_from, NULL) <> '{}' THEN
                bitmaps := current_setting('enable_bitmapscan');
                PERFORM set_config('enable_bitmapscan', 'off', true);
                WITH t AS (
                    SELECT u.*, count(*) FILTER (WHERE u.per IS NULL) OVER (PARTITION BY u.key, u.flow) AS asks_of_flow,
                        max(u.lim) FILTER (WHERE u.per IS NULL) OVER k AS top_limit,
                        min(u.now_) FILTER (WHERE u.per IS NULL) OVER k AS first_now,
                        max(u.now_) FILTER (WHERE u.per IS NULL) OVER k AS last_now,
                        min(u.expires) FILTER (WHERE u.per IS NULL) OVER k AS first_expiry
                    FROM unnest(p_of, p_take, p_flow, p_step, p_owner, p_key, p_limit, p_per, p_from, p_now, p_expires)
                        WITH ORDINALITY AS u (of_, take, flow, step, owner, key, lim, per, from_, now_, expires, ord)
                    WINDOW k AS (PARTITION BY u.key)
                ), c AS (
                    SELECT t.* FROM t
                    WHERE t.from_ IS NOT NULL AND t.asks_of_flow = 1 AND t.lim >= t.top_limit AND t.first_expiry > t.last_now
                        AND (t.ord = 1 OR p_of[t.ord::integer - 1] <> t.of_ OR p_take[t.ord::integer - 1] <> t.take)
                ), handed AS (
                    UPDATE limit_slots s SET step_key = c.step, owner = c.owner, expires_at = c.expires
                    FROM c CROSS JOIN LATERAL (
                        SELECT count(*) FILTER (WHERE k.expires_at > c.now_) AS held,
                            count(*) FILTER (WHERE k.expires_at > c.first_now AND k.expires_at <= c.last_now) AS expiring,
                            count(*) FILTER (WHERE k.flow_id = c.flow AND k.step_key = c.step AND c.step <> c.from_) AS in_the_way
                        FROM limit_slots k WHERE k.key = c.key) ks
                    WHERE s.key = c.key AND s.flow_id = c.flow AND s.step_key = c.from_ AND s.expires_at > c.now_
                        AND ks.held <= c.lim AND ks.expiring = 0 AND ks.in_the_way = 0
                        AND NOT EXISTS (SELECT 1 FROM limit_waiters w WHERE w.key = c.key AND w.flow_id = c.flow)
                    RETURNING c.ord::integer
                )
                SELECT coalesce(array_agg(ord), '{}') INTO moved FROM handed;
                PERFORM set_config('enable_bitmapscan', bitmaps, true);
            END IF;

            IF moved = '{}' THEN
                RETURN QUERY SELECT * FROM limit_take_each(p_of, p_take, p_flow, p_step, p_owner, p_key, p_limit, p_per, p_from, p_now, p_expires, p_channel);
                RETURN;
            END IF;

            -- The takes not handed over go in the batch's order as before; a step whose first ask was handed over
            -- counts it as granted.
            RETURN QUERY
                WITH u AS (
                    SELECT * FROM unnest(p_of, p_take, p_flow, p_step, p_owner, p_key, p_limit, p_per, p_from, p_now, p_expires)
                        WITH ORDINALITY AS u (of_, take, flow, step, owner, key, lim, per, from_, now_, expires, ord)
                ), rest AS (
                    SELECT e.* FROM (
                        SELECT array_agg(of_ ORDER BY ord) AS of_, array_agg(take ORDER BY ord) AS take, array_agg(flow ORDER BY ord) AS flow,
                            array_agg(step ORDER BY ord) AS step, array_agg(owner ORDER BY ord) AS owner, array_agg(key ORDER BY ord) AS key,
                            array_agg(lim ORDER BY ord) AS lim, array_agg(per ORDER BY ord) AS per, array_agg(from_ ORDER BY ord) AS from_,
                            array_agg(now_ ORDER BY ord) AS now_, array_agg(expires ORDER BY ord) AS expires
                        FROM u WHERE NOT (u.ord = ANY(moved))) a
                    CROSS JOIN LATERAL limit_take_each(a.of_, a.take, a.flow, a.step, a.owner, a.key, a.lim, a.per, a.from_, a.now_, a.expires, p_channel) e
                ), handed AS (
                    SELECT u.of_, u.take FROM u WHERE u.ord = ANY(moved)
                )
                SELECT coalesce(r.limit_take_of, h.of_), coalesce(r.limit_take, h.take), coalesce(r.granted, 0) + (h.of_ IS NOT NULL)::integer, r.token_back
                FROM rest r FULL JOIN handed h ON h.of_ = r.limit_take_of AND h.take = r.limit_take;
        END $$;
        """,
    ];
}
