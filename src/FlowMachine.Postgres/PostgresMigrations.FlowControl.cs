namespace FlowMachine.Postgres;

/// <summary>13 on: priorities, queues and workers, concurrency and rate limits, schedule_to_start, traces, step progress.</summary>
internal static partial class PostgresMigrations
{
    private static readonly string[] FlowControl =
    [
        // 13: priorities (higher runs first, 0 unless a start asks otherwise). flows_due keeps the unleased flows
        // of priority 0, so claiming those reads it as before; flows of any other priority are in
        // flows_due_ranked, highest first, then by due time, and a claim takes them before and after priority 0.
        """
        ALTER TABLE flows ADD COLUMN priority integer NOT NULL DEFAULT 0;
        DROP INDEX flows_due;
        CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0 AND priority = 0;
        CREATE INDEX flows_due_ranked ON flows (priority DESC, next_run_at, id)
            WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0 AND priority <> 0;
        """,
        // 14: Queues and worker pools: the route of a flow let go for another pool, and the workers' registry.
        """
        ALTER TABLE flows ADD COLUMN route text COLLATE "C";
        CREATE TABLE workers (
            id            text COLLATE "C" NOT NULL PRIMARY KEY,
            host          text NOT NULL,
            process_id    integer NOT NULL,
            queues        text NOT NULL,
            task_types    text NOT NULL,
            started_at    bigint NOT NULL,
            heartbeat_at  bigint NOT NULL
        );
        """,
        // 15: flow control. limit_slots holds one row per running step that holds a concurrency slot (expiring with
        // its lease); limit_waiters the flows refused a slot, oldest first per key; rate_tokens the rate tokens taken
        // within their window. limit_acquire and rate_take decide in one statement, under a per-key advisory lock, and
        // commit without waiting for the disk: the commit that starts the step is later in the log, so once the step's
        // start is durable its slot or token is too, and a crash before that loses a start that never happened.
        // limit_release frees slots in the commit's transaction and makes the oldest waiter of each freed key due.
        """
        CREATE TABLE limit_slots (
            key         text COLLATE "C" NOT NULL,
            flow_id     text COLLATE "C" NOT NULL,
            step_key    text COLLATE "C" NOT NULL,
            owner       text COLLATE "C",
            expires_at  bigint NOT NULL,
            PRIMARY KEY (key, flow_id, step_key)
        );
        CREATE INDEX limit_slots_flow ON limit_slots (flow_id);
        CREATE TABLE limit_waiters (
            key         text COLLATE "C" NOT NULL,
            flow_id     text COLLATE "C" NOT NULL,
            since       bigint  NOT NULL,
            lim         integer NOT NULL,
            PRIMARY KEY (key, flow_id)
        );
        CREATE INDEX limit_waiters_order ON limit_waiters (key, since, flow_id);
        CREATE INDEX limit_waiters_flow ON limit_waiters (flow_id);
        CREATE TABLE rate_tokens (
            id          bigserial PRIMARY KEY,
            key         text COLLATE "C" NOT NULL,
            taken_at    bigint NOT NULL
        );
        CREATE INDEX rate_tokens_key ON rate_tokens (key, taken_at);

        CREATE FUNCTION limit_acquire(p_key text, p_limit integer, p_flow text, p_step text, p_owner text, p_now bigint, p_expires bigint)
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
                INSERT INTO limit_slots (key, flow_id, step_key, owner, expires_at) VALUES (p_key, p_flow, p_step, p_owner, p_expires);
            END IF;
            DELETE FROM limit_waiters WHERE key = p_key AND flow_id = p_flow;
            RETURN true;
        END $$;

        CREATE FUNCTION limit_release(p_flow text, p_keys text[], p_steps text[], p_now bigint, p_channel text)
        RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE woken integer := 0; w text;
        BEGIN
            FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
                DELETE FROM limit_slots WHERE key = p_keys[i] AND flow_id = p_flow AND step_key = p_steps[i];
                IF FOUND THEN
                    LOOP
                        w := NULL;
                        DELETE FROM limit_waiters WHERE key = p_keys[i] AND flow_id = (
                            SELECT flow_id FROM limit_waiters WHERE key = p_keys[i] ORDER BY since, flow_id LIMIT 1)
                        RETURNING flow_id INTO w;
                        EXIT WHEN w IS NULL;
                        UPDATE flows SET next_run_at = LEAST(next_run_at, p_now) WHERE id = w AND next_run_at IS NOT NULL;
                        IF FOUND THEN
                            woken := woken + 1;
                            EXIT;
                        END IF;
                    END LOOP;
                END IF;
            END LOOP;
            IF woken > 0 THEN
                PERFORM pg_notify(p_channel, '');
            END IF;
            RETURN woken;
        END $$;

        CREATE FUNCTION rate_take(p_key text, p_limit integer, p_per bigint, p_now bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE back bigint;
        BEGIN
            PERFORM set_config('synchronous_commit', 'off', true);
            PERFORM pg_advisory_xact_lock(hashtextextended(current_schema() || ':rate:' || p_key, 0));
            DELETE FROM rate_tokens WHERE key = p_key AND taken_at <= p_now - p_per;
            SELECT taken_at + p_per INTO back FROM rate_tokens WHERE key = p_key ORDER BY taken_at DESC OFFSET p_limit - 1 LIMIT 1;
            IF back IS NOT NULL THEN
                RETURN back;
            END IF;
            INSERT INTO rate_tokens (key, taken_at) VALUES (p_key, p_now);
            RETURN NULL;
        END $$;
        """,
        // 16: a rate token is never taken at a time before the latest one of its key. A worker whose "now" was read
        // before another worker took a token (a slow round under load) is told to ask again from that token's time:
        // tokens are taken in time order, so a token that came back to one worker is back for every later one, and
        // no window of `per` ever holds more than `limit` starts.
        """
        CREATE OR REPLACE FUNCTION rate_take(p_key text, p_limit integer, p_per bigint, p_now bigint)
        RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE back bigint;
        DECLARE latest bigint;
        BEGIN
            PERFORM set_config('synchronous_commit', 'off', true);
            PERFORM pg_advisory_xact_lock(hashtextextended(current_schema() || ':rate:' || p_key, 0));
            SELECT max(taken_at) INTO latest FROM rate_tokens WHERE key = p_key;
            IF latest > p_now THEN
                RETURN latest;
            END IF;
            DELETE FROM rate_tokens WHERE key = p_key AND taken_at <= p_now - p_per;
            SELECT taken_at + p_per INTO back FROM rate_tokens WHERE key = p_key ORDER BY taken_at DESC OFFSET p_limit - 1 LIMIT 1;
            IF back IS NOT NULL THEN
                RETURN back;
            END IF;
            INSERT INTO rate_tokens (key, taken_at) VALUES (p_key, p_now);
            RETURN NULL;
        END $$;
        """,
        // 17: schedule_to_start and slots that outlive their flow. route_deadline: when a step a flow let go for another
        // pool waits for passes its schedule_to_start; the workers' heartbeat clears the route of such flows, so that
        // any worker fails the step. limit_wake makes the oldest waiter of a key that still waits due; limit_expire frees
        // the slots whose holder's lease was lost and wakes their keys' waiters (the heartbeat); limit_end frees the slots
        // of a flow that ended and drops its waiter rows (in the commit that ends it).
        """
        ALTER TABLE flows ADD COLUMN route_deadline bigint;
        CREATE INDEX flows_route_deadline ON flows (route_deadline) WHERE route_deadline IS NOT NULL;
        CREATE INDEX limit_slots_expiry ON limit_slots (expires_at);

        CREATE FUNCTION limit_wake(p_key text, p_now bigint)
        RETURNS boolean LANGUAGE plpgsql AS $$
        DECLARE w text;
        BEGIN
            LOOP
                w := NULL;
                DELETE FROM limit_waiters WHERE key = p_key AND flow_id = (
                    SELECT flow_id FROM limit_waiters WHERE key = p_key ORDER BY since, flow_id LIMIT 1)
                RETURNING flow_id INTO w;
                IF w IS NULL THEN
                    RETURN false;
                END IF;
                UPDATE flows SET next_run_at = LEAST(next_run_at, p_now) WHERE id = w AND next_run_at IS NOT NULL;
                IF FOUND THEN
                    RETURN true;
                END IF;
            END LOOP;
        END $$;

        CREATE FUNCTION limit_wake_keys(p_keys text[], p_now bigint, p_channel text)
        RETURNS integer LANGUAGE plpgsql AS $$
        DECLARE woken integer := 0; k text;
        BEGIN
            FOR k IN SELECT DISTINCT unnest(p_keys) LOOP
                IF limit_wake(k, p_now) THEN
                    woken := woken + 1;
                END IF;
            END LOOP;
            IF woken > 0 THEN
                PERFORM pg_notify(p_channel, '');
            END IF;
            RETURN woken;
        END $$;

        CREATE FUNCTION limit_expire(p_now bigint, p_channel text)
        RETURNS integer LANGUAGE sql AS $$
            WITH gone AS (DELETE FROM limit_slots WHERE expires_at <= p_now RETURNING key)
            SELECT limit_wake_keys(array_agg(key), p_now, p_channel) FROM gone;
        $$;

        CREATE FUNCTION limit_end(p_flow text, p_now bigint, p_channel text)
        RETURNS integer LANGUAGE sql AS $$
            DELETE FROM limit_waiters WHERE flow_id = p_flow;
            WITH gone AS (DELETE FROM limit_slots WHERE flow_id = p_flow RETURNING key)
            SELECT limit_wake_keys(array_agg(key), p_now, p_channel) FROM gone;
        $$;
        """,
        // 18: the W3C traceparent of a flow's start span, the parent of its steps' spans.
        "ALTER TABLE flows ADD COLUMN IF NOT EXISTS trace_parent text;",
        // 19: a running step's progress (JSON text) and when it was stored, written apart from the step's commits.
        """
        ALTER TABLE steps ADD COLUMN IF NOT EXISTS progress text;
        ALTER TABLE steps ADD COLUMN IF NOT EXISTS progress_at bigint;
        """,
        // 20: cfg.deadline: when the flow fails with "deadline exceeded" (Unix ms; null: none). Written at creation
        // and with every commit (a retry moves it); the flow's next_run_at is never later than it while it waits.
        "ALTER TABLE flows ADD COLUMN IF NOT EXISTS deadline bigint;",
        // 21: the answers to commands sent with an Idempotency-Key, kept for a while (ICommandReceiptStore). status and
        // body stay NULL while the first request is still being handled.
        """
        CREATE TABLE IF NOT EXISTS command_receipts (
            key         text COLLATE "C" NOT NULL PRIMARY KEY,
            request     text    NOT NULL,
            status      integer,
            body        text,
            created_at  bigint  NOT NULL
        );
        CREATE INDEX IF NOT EXISTS command_receipts_created ON command_receipts (created_at);
        """,
    ];
}
