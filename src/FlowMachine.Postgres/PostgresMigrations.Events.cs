namespace FlowMachine.Postgres;

// ---- 22: events matched to waiting flows by correlation key ----
internal static partial class PostgresMigrations
{
    /// <summary>Events matched to waiting flows by correlation key.</summary>
    private static readonly string[] Events =
    [
        // keyed_waits: the steps that wait for an event by (event, key), written and dropped in the commits that begin
        // and end the waits. kept_events: the latest event of each name, key and owner ('' for an administrator's), for
        // flows that wait later, until expires_at. seen_event_ids: the ids of raised events, remembered as long.
        // A raise and a commit that begins a wait for the same (event, key) take the same transaction-scoped advisory
        // lock (class 24), before any flow row: under READ COMMITTED neither can miss the other.
        """
        CREATE TABLE keyed_waits (
            flow_id     text COLLATE "C" NOT NULL,
            step_key    text COLLATE "C" NOT NULL,
            event_name  text COLLATE "C" NOT NULL,
            event_key   text COLLATE "C" NOT NULL,
            owner       text COLLATE "C",
            PRIMARY KEY (flow_id, step_key)
        );
        CREATE INDEX keyed_waits_event ON keyed_waits (event_name, event_key);
        CREATE TABLE kept_events (
            name        text COLLATE "C" NOT NULL,
            key         text COLLATE "C" NOT NULL,
            owner       text COLLATE "C" NOT NULL,
            value       text,
            raised_at   bigint NOT NULL,
            expires_at  bigint NOT NULL,
            PRIMARY KEY (name, key, owner)
        );
        CREATE INDEX kept_events_expiry ON kept_events (expires_at);
        CREATE TABLE seen_event_ids (
            owner       text COLLATE "C" NOT NULL,
            id          text COLLATE "C" NOT NULL,
            expires_at  bigint NOT NULL,
            PRIMARY KEY (owner, id)
        );
        CREATE INDEX seen_event_ids_expiry ON seen_event_ids (expires_at);

        CREATE FUNCTION keyed_lock(p_name text, p_key text) RETURNS void LANGUAGE sql AS $$
            SELECT pg_advisory_xact_lock(24, hashtext(p_name || chr(31) || p_key));
        $$;

        -- A raise: -1 for an id seen before, else how many flows it reached.
        CREATE FUNCTION keyed_event_raise(p_name text, p_key text, p_value text, p_id text, p_owner text, p_until bigint, p_now bigint, p_channel text)
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
            INSERT INTO kept_events (name, key, owner, value, raised_at, expires_at) VALUES (p_name, p_key, p_owner, p_value, p_now, p_until)
            ON CONFLICT (name, key, owner) DO UPDATE SET value = excluded.value, raised_at = excluded.raised_at, expires_at = excluded.expires_at;
            WITH gone AS (
                DELETE FROM keyed_waits WHERE event_name = p_name AND event_key = p_key AND (p_owner = '' OR owner = p_owner) RETURNING flow_id
            ), added AS (
                INSERT INTO events (flow_id, name, value, at) SELECT g.flow_id, p_name, p_value, p_now FROM gone g
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
        CREATE FUNCTION keyed_waits_apply(p_flows text[], p_owners text[], p_steps text[], p_names text[], p_keys text[],
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
                    INSERT INTO events (flow_id, name, value, at) VALUES (w.flow_id, w.name, v, p_now);
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
