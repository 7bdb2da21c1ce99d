namespace FlowMachine.Postgres;

// ---- 28 (the PostgreSQL schema number given to this change; renumbered at merge to follow the others): slot rows whose hand-over is heap-only ----
internal static partial class PostgresMigrations
{
    // The slot of p_flow's step p_step of key p_key, under the smallest number the flow holds no slot of the key under: 0,
    // or one past a number it holds (no function of its own: a nested PL/pgSQL call costs more than the insert).
    private const string InsertSlot = """

                INSERT INTO limit_slots (key, flow_id, n, step_key, owner, expires_at)
                SELECT p_key, p_flow, min(f.n), p_step, p_owner, p_expires
                FROM (SELECT 0 AS n UNION ALL SELECT s.n + 1 FROM limit_slots s WHERE s.key = p_key AND s.flow_id = p_flow) AS f
                WHERE NOT EXISTS (SELECT 1 FROM limit_slots t WHERE t.key = p_key AND t.flow_id = p_flow AND t.n = f.n);

        """;

    /// <summary>A slot row keyed by its flow's slot number, not its step, so that passing it to the next step writes no index.</summary>
    private static readonly string[] HotSlots =
    [
        // 28: a slot row is keyed by (key, flow_id, n): n numbers the slots one flow holds of one key (0 for the first;
        // parallel steps of a flow hold 1, 2, ... at once), taken as the smallest number the flow does not hold (InsertSlot). The
        // step, the owner and the expiry are in no index, so a hand-over to the flow's next step and a lease renewal
        // change no indexed column: the UPDATE is heap-only (HOT), writes no index entry and leaves no dead one, and
        // the old version is pruned from its page by the next reader. limit_slots_expiry is gone (its column changes
        // at every hand-over): the heartbeat's expiry sweep reads the table, which holds one row per running step that
        // holds a slot. The table keeps half of each page free (fillfactor 50) for the new versions. A step's one slot
        // of a key is now kept by the statements that write it, all under the key's advisory lock: an existing row of
        // the step is updated, and only a step without one inserts. Rows held before are copied with their
        // flow's slots of a key numbered in step order; every other statement on limit_slots reads it as before.
        """
        CREATE TABLE limit_slots_28 (
            key         text COLLATE "C" NOT NULL,
            flow_id     text COLLATE "C" NOT NULL,
            n           smallint NOT NULL DEFAULT 0,
            step_key    text COLLATE "C" NOT NULL,
            owner       text COLLATE "C",
            expires_at  bigint NOT NULL,
            PRIMARY KEY (key, flow_id, n)
        ) WITH (fillfactor = 50);
        INSERT INTO limit_slots_28 (key, flow_id, n, step_key, owner, expires_at)
            SELECT key, flow_id, row_number() OVER (PARTITION BY key, flow_id ORDER BY step_key) - 1, step_key, owner, expires_at FROM limit_slots;
        DROP TABLE limit_slots;
        ALTER TABLE limit_slots_28 RENAME TO limit_slots;
        ALTER TABLE limit_slots RENAME CONSTRAINT limit_slots_28_pkey TO limit_slots_pkey;
        CREATE INDEX limit_slots_flow ON limit_slots (flow_id);

        CREATE OR REPLACE FUNCTION limit_acquire(p_key text, p_limit integer, p_flow text, p_step text, p_owner text, p_now bigint, p_expires bigint)
        RETURNS boolean LANGUAGE plpgsql AS $$
        DECLARE held integer;
        BEGIN
            -- No wait for the disk here: the commit that starts the step comes after and waits for this too.
            PERFORM set_config('synchronous_commit', 'off', true);
            PERFORM pg_advisory_xact_lock(hashtextextended(current_schema() || ':slot:' || p_key, 0));
            DELETE FROM limit_slots WHERE key = p_key AND expires_at <= p_now;
            UPDATE limit_slots SET owner = p_owner, expires_at = p_expires WHERE key = p_key AND flow_id = p_flow AND step_key = p_step;
            IF NOT FOUND THEN
                SELECT count(*) INTO held FROM limit_slots WHERE key = p_key;
                IF held >= p_limit THEN
                    INSERT INTO limit_waiters (key, flow_id, since, lim) VALUES (p_key, p_flow, p_now, p_limit) ON CONFLICT (key, flow_id) DO NOTHING;
                    RETURN false;
                END IF;
        """ + InsertSlot + """
            END IF;
            DELETE FROM limit_waiters WHERE key = p_key AND flow_id = p_flow;
            RETURN true;
        END $$;

        CREATE OR REPLACE FUNCTION limit_slot_take(p_key text, p_limit integer, p_flow text, p_step text, p_owner text, p_now bigint, p_expires bigint)
        RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT count(*) FROM limit_slots WHERE key = p_key AND expires_at > p_now AND NOT (flow_id = p_flow AND step_key = p_step)) >= p_limit THEN
                INSERT INTO limit_waiters (key, flow_id, since, lim) SELECT p_key, p_flow, p_now, p_limit
                WHERE NOT EXISTS (SELECT 1 FROM limit_waiters WHERE key = p_key AND flow_id = p_flow) ON CONFLICT (key, flow_id) DO NOTHING;
                RETURN false;
            END IF;
            UPDATE limit_slots SET owner = p_owner, expires_at = p_expires WHERE key = p_key AND flow_id = p_flow AND step_key = p_step;
            IF NOT FOUND THEN
        """ + InsertSlot + """
            END IF;
            PERFORM 1 FROM limit_waiters WHERE key = p_key AND flow_id = p_flow FOR UPDATE SKIP LOCKED;
            IF FOUND THEN
                DELETE FROM limit_waiters WHERE key = p_key AND flow_id = p_flow;
            END IF;
            RETURN true;
        END $$;
        """,
    ];
}
