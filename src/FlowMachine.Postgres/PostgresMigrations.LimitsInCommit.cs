namespace FlowMachine.Postgres;

// ---- 26 (the PostgreSQL schema number given to this change; renumbered at merge to follow the others): slots and tokens taken in the commit ----
internal static partial class PostgresMigrations
{
    /// <summary>The slots and rate tokens of the steps a commit starts, taken in the commit's own transaction.</summary>
    private static readonly string[] LimitsInCommit =
    [
        // 26: limit_lock takes a batch's per-key advisory locks (the names limit_acquire and rate_take lock: ':slot:' or
        // ':rate:' and the key) as the batch's first statement, in one order for every process (by lock id), so two
        // batches never wait on each other in a cycle. limit_take_all then takes every slot and token of the batch under
        // those locks, in the commit's transaction (so with its durability: no synchronous_commit = off here). A slot a
        // step's commit frees and its flow's next step asks for (p_from) is taken over in one statement when the key stays
        // within its limit and the flow waits for no slot of it; else it is freed (waking a waiter) and asked for as usual.
        // A refusal ends that step's take only: the flow waits (a waiter row) or learns when a token comes back. The
        // waiter rows of its own flow are touched without waiting for another transaction's lock: a release that is
        // waking this flow deletes that row and then waits for this commit's flow row. rate_take keeps its own lock and
        // commit mode and now decides through rate_take_locked, as limit_take_all does.
        """
        CREATE FUNCTION limit_lock(p_names text[])
        RETURNS void LANGUAGE plpgsql AS $$
        DECLARE h bigint;
        BEGIN
            FOR h IN SELECT DISTINCT hashtextextended(current_schema() || n, 0) FROM unnest(p_names) AS n ORDER BY 1 LOOP
                PERFORM pg_advisory_xact_lock(h);
            END LOOP;
        END $$;

        CREATE FUNCTION rate_take_locked(p_key text, p_limit integer, p_per bigint, p_now bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE back bigint; latest bigint; newest bigint; oldest bigint; taken bigint;
        BEGIN
            SELECT taken_at, id INTO latest, newest FROM rate_tokens WHERE key = p_key ORDER BY taken_at DESC, id DESC LIMIT 1;
            IF latest > p_now THEN
                RETURN latest;
            END IF;
            SELECT id INTO oldest FROM rate_tokens WHERE key = p_key AND taken_at > p_now - p_per ORDER BY taken_at, id LIMIT 1;
            IF oldest IS NULL OR newest - oldest + 1 < p_limit THEN
                INSERT INTO rate_tokens (key, taken_at) VALUES (p_key, p_now) RETURNING id INTO taken;
                IF taken % 64 = 0 THEN
                    DELETE FROM rate_tokens WHERE key = p_key AND taken_at <= p_now - p_per;
                END IF;
                RETURN NULL;
            END IF;
            DELETE FROM rate_tokens WHERE key = p_key AND taken_at <= p_now - p_per;
            SELECT taken_at + p_per INTO back FROM rate_tokens WHERE key = p_key ORDER BY taken_at DESC OFFSET p_limit - 1 LIMIT 1;
            IF back IS NOT NULL THEN
                RETURN back;
            END IF;
            INSERT INTO rate_tokens (key, taken_at) VALUES (p_key, p_now);
            RETURN NULL;
        END $$;

        CREATE OR REPLACE FUNCTION rate_take(p_key text, p_limit integer, p_per bigint, p_now bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM set_config('synchronous_commit', 'off', true);
            PERFORM pg_advisory_xact_lock(hashtextextended(current_schema() || ':rate:' || p_key, 0));
            RETURN rate_take_locked(p_key, p_limit, p_per, p_now);
        END $$;

        CREATE FUNCTION limit_slot_take(p_key text, p_limit integer, p_flow text, p_step text, p_owner text, p_now bigint, p_expires bigint)
        RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT count(*) FROM limit_slots WHERE key = p_key AND expires_at > p_now AND NOT (flow_id = p_flow AND step_key = p_step)) >= p_limit THEN
                INSERT INTO limit_waiters (key, flow_id, since, lim) SELECT p_key, p_flow, p_now, p_limit
                WHERE NOT EXISTS (SELECT 1 FROM limit_waiters WHERE key = p_key AND flow_id = p_flow) ON CONFLICT (key, flow_id) DO NOTHING;
                RETURN false;
            END IF;
            INSERT INTO limit_slots (key, flow_id, step_key, owner, expires_at) VALUES (p_key, p_flow, p_step, p_owner, p_expires)
            ON CONFLICT (key, flow_id, step_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at;
            PERFORM 1 FROM limit_waiters WHERE key = p_key AND flow_id = p_flow FOR UPDATE SKIP LOCKED;
            IF FOUND THEN
                DELETE FROM limit_waiters WHERE key = p_key AND flow_id = p_flow;
            END IF;
            RETURN true;
        END $$;

        CREATE FUNCTION limit_take_all(p_of integer[], p_take integer[], p_flow text[], p_step text[], p_owner text[], p_key text[],
            p_limit integer[], p_per bigint[], p_from text[], p_now bigint[], p_expires bigint[], p_channel text)
        RETURNS TABLE (limit_take_of integer, limit_take integer, granted integer, token_back bigint) LANGUAGE plpgsql AS $$
        DECLARE n integer := coalesce(array_length(p_key, 1), 0); i integer := 1; got integer; back bigint; refused boolean; ok boolean;
        BEGIN
            WHILE i <= n LOOP
                limit_take_of := p_of[i];
                limit_take := p_take[i];
                got := 0;
                back := NULL;
                refused := false;
                WHILE i <= n AND p_of[i] = limit_take_of AND p_take[i] = limit_take LOOP
                    IF refused THEN
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
