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
        DECLARE n integer := coalesce(array_length(p_key, 1), 0); i integer := 1; moved integer[]; got integer; back bigint; refused boolean; ok boolean;
        BEGIN
            IF array_remove(p_from, NULL) = '{}' THEN
                moved := '{}'; -- no hand-over in the batch
            ELSE
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
            END IF;

            WHILE i <= n LOOP
                limit_take_of := p_of[i];
                limit_take := p_take[i];
                got := 0;
                back := NULL;
                refused := false;
                WHILE i <= n AND p_of[i] = limit_take_of AND p_take[i] = limit_take LOOP
                    IF i = ANY(moved) THEN
                        NULL; -- handed over above: granted
                    ELSIF refused THEN
                        IF p_from[i] IS NOT NULL THEN
                            PERFORM limit_release(p_flow[i], ARRAY[p_key[i]], ARRAY[p_from[i]], p_now[i], p_channel);
                        END IF;
                    ELSIF p_per[i] IS NOT NULL THEN
                        back := rate_take_locked(p_key[i], p_limit[i], p_per[i], p_now[i]);
                        refused := back IS NOT NULL;
                    ELSE
                        ok := false;
                        IF p_from[i] IS NOT NULL THEN
                            UPDATE limit_slots SET step_key = p_step[i], owner = p_owner[i], expires_at = p_expires[i]
                            WHERE key = p_key[i] AND flow_id = p_flow[i] AND step_key = p_from[i] AND expires_at > p_now[i]
                                AND NOT EXISTS (SELECT 1 FROM limit_waiters w WHERE w.key = p_key[i] AND w.flow_id = p_flow[i])
                                AND (p_from[i] = p_step[i] OR NOT EXISTS (
                                    SELECT 1 FROM limit_slots s WHERE s.key = p_key[i] AND s.flow_id = p_flow[i] AND s.step_key = p_step[i]))
                                AND (SELECT count(*) FROM limit_slots s WHERE s.key = p_key[i] AND s.expires_at > p_now[i]) <= p_limit[i];
                            ok := FOUND;
                            IF NOT ok THEN
                                PERFORM limit_release(p_flow[i], ARRAY[p_key[i]], ARRAY[p_from[i]], p_now[i], p_channel);
                            END IF;
                        END IF;
                        IF NOT ok THEN
                            ok := limit_slot_take(p_key[i], p_limit[i], p_flow[i], p_step[i], p_owner[i], p_now[i], p_expires[i]);
                        END IF;
                        refused := NOT ok;
                    END IF;
                    IF NOT refused THEN
                        got := got + 1;
                    END IF;
                    i := i + 1;
                END LOOP;
                granted := got;
                token_back := back;
                RETURN NEXT;
            END LOOP;
        END $$;
        """,
    ];
}
