namespace FlowMachine.Postgres;

// ---- 27 (the PostgreSQL schema number given to this change; renumbered at merge to follow the others): a batch's hand-overs in one statement ----
internal static partial class PostgresMigrations
{
    /// <summary>The hand-overs of a commit batch as one statement, and its locks taken by one statement.</summary>
    private static readonly string[] SetTakes =
    [
        // 27: limit_lock takes its locks from one statement (the sorted ids materialized first, so that the locks are
        // taken in their order); it and limit_end are PL/pgSQL, whose statements keep their plans between calls (an SQL
        // function's are planned again at every call). limit_take_all hands over, in one UPDATE, every slot whose hand-over would be granted
        // at its own place in the batch and changes nothing another take of the batch sees: the first ask of its step
        // (no refusal before it), its flow's only slot ask of that key in the batch, no other take of the key with a
        // higher limit (the key's count stays within this limit whatever the takes before it), and no slot of the key
        // that expires between the batch's earliest and latest time (the key's count is the same at every take's
        // time). Every other take runs in the batch's order as before, each hand-over so taken counting as granted.
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

        CREATE OR REPLACE FUNCTION limit_take_all(p_of integer[], p_take integer[], p_flow text[], p_step text[], p_owner text[], p_key text[],
            p_limit integer[], p_per bigint[], p_from text[], p_now bigint[], p_expires bigint[], p_channel text)
        RETURNS TABLE (limit_take_of integer, limit_take integer, granted integer, token_back bigint) LANGUAGE plpgsql AS $$
        DECLARE moved integer[]; r record; got integer := 0; back bigint; refused boolean := false; ok boolean; started boolean := false;
        BEGIN
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
                    FROM limit_slots k WHERE k.key = c.key) n
                WHERE s.key = c.key AND s.flow_id = c.flow AND s.step_key = c.from_ AND s.expires_at > c.now_
                    AND n.held <= c.lim AND n.expiring = 0 AND n.in_the_way = 0
                    AND NOT EXISTS (SELECT 1 FROM limit_waiters w WHERE w.key = c.key AND w.flow_id = c.flow)
                RETURNING c.ord::integer
            )
            SELECT coalesce(array_agg(ord), '{}') INTO moved FROM handed;

            -- A step whose first ask was handed over above and that asks nothing more: granted its one slot.
            RETURN QUERY SELECT u.of_, u.take, 1, NULL::bigint
                FROM unnest(p_of, p_take) WITH ORDINALITY AS u (of_, take, ord)
                WHERE u.ord = ANY(moved) AND (u.ord = array_length(p_of, 1) OR p_of[u.ord::integer + 1] <> u.of_ OR p_take[u.ord::integer + 1] <> u.take);

            FOR r IN
                SELECT u.*, (u.ord - 1) = ANY(moved) AND p_of[u.ord::integer - 1] = u.of_ AND p_take[u.ord::integer - 1] = u.take AS after_moved
                FROM unnest(p_of, p_take, p_flow, p_step, p_owner, p_key, p_limit, p_per, p_from, p_now, p_expires)
                    WITH ORDINALITY AS u (of_, take, flow, step, owner, key, lim, per, from_, now_, expires, ord)
                WHERE NOT (u.ord = ANY(moved))
                ORDER BY u.ord
            LOOP
                IF NOT started OR r.of_ <> limit_take_of OR r.take <> limit_take THEN
                    IF started THEN
                        granted := got;
                        token_back := back;
                        RETURN NEXT;
                    END IF;
                    started := true;
                    limit_take_of := r.of_;
                    limit_take := r.take;
                    got := CASE WHEN r.after_moved THEN 1 ELSE 0 END;
                    back := NULL;
                    refused := false;
                END IF;
                IF refused THEN
                    IF r.from_ IS NOT NULL THEN
                        PERFORM limit_release(r.flow, ARRAY[r.key], ARRAY[r.from_], r.now_, p_channel);
                    END IF;
                ELSIF r.per IS NOT NULL THEN
                    back := rate_take_locked(r.key, r.lim, r.per, r.now_);
                    refused := back IS NOT NULL;
                ELSE
                    ok := false;
                    IF r.from_ IS NOT NULL THEN
                        UPDATE limit_slots SET step_key = r.step, owner = r.owner, expires_at = r.expires
                        WHERE key = r.key AND flow_id = r.flow AND step_key = r.from_ AND expires_at > r.now_
                            AND NOT EXISTS (SELECT 1 FROM limit_waiters w WHERE w.key = r.key AND w.flow_id = r.flow)
                            AND (r.from_ = r.step OR NOT EXISTS (
                                SELECT 1 FROM limit_slots s WHERE s.key = r.key AND s.flow_id = r.flow AND s.step_key = r.step))
                            AND (SELECT count(*) FROM limit_slots s WHERE s.key = r.key AND s.expires_at > r.now_) <= r.lim;
                        ok := FOUND;
                        IF NOT ok THEN
                            PERFORM limit_release(r.flow, ARRAY[r.key], ARRAY[r.from_], r.now_, p_channel);
                        END IF;
                    END IF;
                    IF NOT ok THEN
                        ok := limit_slot_take(r.key, r.lim, r.flow, r.step, r.owner, r.now_, r.expires);
                    END IF;
                    refused := NOT ok;
                END IF;
                IF NOT refused THEN
                    got := got + 1;
                END IF;
            END LOOP;
            IF started THEN
                granted := got;
                token_back := back;
                RETURN NEXT;
            END IF;
        END $$;
        """,
    ];
}
