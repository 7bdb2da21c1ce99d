namespace FlowMachine.Postgres;

// ---- 24 (the PostgreSQL schema number given to this change; renumbered at merge to follow the others) ----
internal static partial class PostgresMigrations
{
    /// <summary>An event raised by key reaches only the step that waits for its name with that key.</summary>
    private static readonly string[] KeyedDelivery =
    [
        // events.key: the correlation key of an event raised by key (null for one raised for the flow itself);
        // steps.wait_key: the key a waiting step waits for its event with; kept_events.id: the id the kept event was
        // raised with (listed with it). The two keyed-event functions of 22 now write the key with the events they add,
        // and the raise keeps the id.
        """
        ALTER TABLE events ADD COLUMN key text COLLATE "C";
        ALTER TABLE steps ADD COLUMN wait_key text COLLATE "C";
        ALTER TABLE kept_events ADD COLUMN id text COLLATE "C";

        CREATE OR REPLACE FUNCTION keyed_event_raise(p_name text, p_key text, p_value text, p_id text, p_owner text, p_until bigint, p_now bigint, p_channel text)
        RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE reached integer;
        BEGIN
            PERFORM keyed_lock(p_name, p_key);
            IF p_id IS NOT NULL THEN
                INSERT INTO seen_event_ids (owner, id, expires_at) VALUES (p_owner, p_id, p_until)
                ON CONFLICT (owner, id) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_event_ids.expires_at <= p_now;
                IF NOT FOUND THEN
                    RETURN -1;
                END IF;
            END IF;
            INSERT INTO kept_events (name, key, owner, value, raised_at, expires_at, id) VALUES (p_name, p_key, p_owner, p_value, p_now, p_until, p_id)
            ON CONFLICT (name, key, owner) DO UPDATE SET value = excluded.value, raised_at = excluded.raised_at, expires_at = excluded.expires_at, id = excluded.id;
            WITH gone AS (
                DELETE FROM keyed_waits WHERE event_name = p_name AND event_key = p_key AND (p_owner = '' OR owner = p_owner) RETURNING flow_id
            ), added AS (
                INSERT INTO events (flow_id, name, value, at, key) SELECT g.flow_id, p_name, p_value, p_now, p_key FROM gone g
                WHERE EXISTS (SELECT 1 FROM flows f WHERE f.id = g.flow_id) RETURNING flow_id
            ), due AS (
                UPDATE flows SET next_run_at = CASE WHEN next_run_at IS NULL OR next_run_at > p_now THEN p_now ELSE next_run_at END, route = NULL
                WHERE id IN (SELECT flow_id FROM added) RETURNING id
            )
            SELECT count(*) INTO reached FROM due;
            IF reached > 0 THEN
                PERFORM pg_notify(p_channel, '');
            END IF;
            RETURN reached;
        END $$;

        -- The keyed waits of a commit's transitions, before their flow rows: the ended ones and the begun ones dropped,
        -- then each begun one takes the latest kept event its flow's owner may receive (into the flow's events) or is
        -- indexed. Locks in one order, so that two commits cannot wait for each other. Returns how many took a kept event.
        CREATE OR REPLACE FUNCTION keyed_waits_apply(p_flows text[], p_owners text[], p_steps text[], p_names text[], p_keys text[],
            p_ended_flows text[], p_ended_steps text[], p_now bigint)
        RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE h integer; w record; v text; taken integer := 0;
        BEGIN
            FOR h IN SELECT DISTINCT hashtext(n || chr(31) || k) FROM unnest(p_names, p_keys) AS x(n, k) ORDER BY 1 LOOP
                PERFORM pg_advisory_xact_lock(24, h);
            END LOOP;
            DELETE FROM keyed_waits k USING unnest(p_ended_flows, p_ended_steps) AS e(f, s) WHERE k.flow_id = e.f AND k.step_key = e.s;
            DELETE FROM keyed_waits k USING unnest(p_flows, p_steps) AS e(f, s) WHERE k.flow_id = e.f AND k.step_key = e.s;
            FOR w IN SELECT * FROM unnest(p_flows, p_owners, p_steps, p_names, p_keys) AS x(flow_id, owner, step_key, name, key) LOOP
                SELECT value INTO v FROM kept_events
                WHERE name = w.name AND key = w.key AND (owner = '' OR owner = COALESCE(w.owner, '')) AND expires_at > p_now
                ORDER BY raised_at DESC LIMIT 1;
                IF FOUND THEN
                    INSERT INTO events (flow_id, name, value, at, key) VALUES (w.flow_id, w.name, v, p_now, w.key);
                    taken := taken + 1;
                ELSE
                    INSERT INTO keyed_waits (flow_id, step_key, event_name, event_key, owner) VALUES (w.flow_id, w.step_key, w.name, w.key, w.owner);
                END IF;
            END LOOP;
            RETURN taken;
        END $$;
        """,
    ];
}
