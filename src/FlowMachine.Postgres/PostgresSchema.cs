using System.Text;
using Npgsql;

namespace FlowMachine.Postgres;

/// <summary>
/// The schema as an ordered list of migrations. Version N is the state after the first N migrations;
/// a change is a new entry at the end, never an edit of an old one. Times are unix milliseconds (as in
/// SQLite), JSON is text (jsonb would reorder object keys), ids and names sort bytewise (COLLATE "C").
/// </summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: the first schema.
        """
        CREATE TABLE routines (
            name        text COLLATE "C" NOT NULL,
            version     integer NOT NULL,
            spec_json   text    NOT NULL,
            owner       text,
            created_at  bigint  NOT NULL,
            PRIMARY KEY (name, version)
        );

        CREATE TABLE flows (
            id                 text COLLATE "C" NOT NULL PRIMARY KEY,
            key                text COLLATE "C" UNIQUE,
            label              text,
            owner              text COLLATE "C",
            routine            text COLLATE "C",
            routine_version    integer,
            spec_json          text    NOT NULL,
            state              text    NOT NULL,
            position           integer NOT NULL,
            input              text,
            data               text    NOT NULL,
            wait_reason        text,
            result             text,
            error              text,
            parent_flow_id     text COLLATE "C",
            parent_step_key    text,
            parent_child_index integer NOT NULL,
            generation         integer NOT NULL,
            created_at         bigint  NOT NULL,
            updated_at         bigint  NOT NULL,
            next_run_at        bigint,
            lease_owner        text COLLATE "C",
            lease_expires_at   bigint
        );
        CREATE INDEX flows_next_run ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL;
        CREATE INDEX flows_created ON flows (created_at, id);
        CREATE INDEX flows_state ON flows (state, created_at, id);
        CREATE INDEX flows_routine ON flows (routine, created_at, id);
        CREATE INDEX flows_owner ON flows (owner, created_at, id);
        CREATE INDEX flows_parent ON flows (parent_flow_id, created_at, id);

        CREATE TABLE steps (
            flow_id          text COLLATE "C" NOT NULL REFERENCES flows (id),
            key              text COLLATE "C" NOT NULL,
            idx              integer NOT NULL,
            task_type        text    NOT NULL,
            state            text    NOT NULL,
            result           text,
            error            text,
            error_detail     text,
            attempts         integer NOT NULL,
            started_at       bigint,
            finished_at      bigint,
            not_before       bigint,
            wait_reason      text,
            wait_event       text,
            wait_until       bigint,
            resume_token     text COLLATE "C",
            param_overrides  text,
            spawn            text,
            PRIMARY KEY (flow_id, key)
        );
        CREATE INDEX steps_resume_token ON steps (resume_token) WHERE resume_token IS NOT NULL;

        CREATE TABLE history (
            flow_id   text COLLATE "C" NOT NULL REFERENCES flows (id),
            seq       bigint NOT NULL,
            at        bigint NOT NULL,
            kind      text   NOT NULL,
            step_key  text,
            detail    text,
            PRIMARY KEY (flow_id, seq)
        );

        -- Identity ids only grow and are never reused after consumed rows are deleted.
        CREATE TABLE commands (
            id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            flow_id   text COLLATE "C" NOT NULL REFERENCES flows (id),
            kind      text   NOT NULL,
            step_key  text,
            payload   text,
            actor     text,
            at        bigint NOT NULL
        );
        CREATE INDEX commands_flow ON commands (flow_id, id);

        CREATE TABLE events (
            id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            flow_id   text COLLATE "C" NOT NULL REFERENCES flows (id),
            name      text   NOT NULL,
            value     text,
            at        bigint NOT NULL
        );
        CREATE INDEX events_flow ON events (flow_id, id);

        -- A commit's lease check raises FM001 so that the rest of its statements, sent in the same
        -- round trip, never apply to a flow another worker has taken over.
        CREATE FUNCTION check_lease(updated bigint, flow_id text) RETURNS void LANGUAGE plpgsql AS $fn$
        BEGIN
            IF updated = 0 THEN
                RAISE EXCEPTION 'the lease on flow % is not held by this worker', flow_id USING ERRCODE = 'FM001';
            END IF;
        END
        $fn$;
        """,

        // 2: users and their API keys; keys are stored only as SHA-256 hashes.
        """
        CREATE TABLE users (
            name        text COLLATE "C" NOT NULL PRIMARY KEY,
            is_admin    boolean NOT NULL,
            created_at  bigint  NOT NULL
        );

        CREATE TABLE api_keys (
            key_hash    bytea   NOT NULL PRIMARY KEY,
            prefix      text    NOT NULL,
            user_name   text COLLATE "C" NOT NULL REFERENCES users (name),
            created_at  bigint  NOT NULL
        );
        CREATE INDEX api_keys_user ON api_keys (user_name);
        """,

        // 3: resume tokens once taken; a commit that still carries one cannot make it usable again.
        """
        CREATE TABLE used_resume_tokens (
            token       text COLLATE "C" NOT NULL PRIMARY KEY,
            flow_id     text COLLATE "C" NOT NULL,
            step_key    text COLLATE "C" NOT NULL,
            used_at     bigint NOT NULL
        );
        """,

        // 4: every step rewrites a flow row and two step rows; room left in each page lets the new row
        // version stay in the page without touching the indexes (a HOT update). Applies to pages written from now on.
        """
        ALTER TABLE flows SET (fillfactor = 70);
        ALTER TABLE steps SET (fillfactor = 70);
        """,

        // 5: no foreign keys from a flow's rows to the flow. Every write checks the flow in its own
        // statements already (a commit's lease check, the existence check before a command, an event or a
        // new flow's steps), and flows are never deleted; each check ran a query per inserted row besides.
        """
        ALTER TABLE steps DROP CONSTRAINT IF EXISTS steps_flow_id_fkey;
        ALTER TABLE history DROP CONSTRAINT IF EXISTS history_flow_id_fkey;
        ALTER TABLE commands DROP CONSTRAINT IF EXISTS commands_flow_id_fkey;
        ALTER TABLE events DROP CONSTRAINT IF EXISTS events_flow_id_fkey;
        """,

        // 6: the due index holds only flows nobody holds, and leased flows have an index of their own. A
        // running flow stays due while leased: a claim read past every one of them (a heap visit each, to
        // see its lease) before reaching a flow it could take.
        """
        DROP INDEX flows_next_run;
        CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL;
        CREATE INDEX flows_leased ON flows (lease_expires_at, id) WHERE lease_owner IS NOT NULL;
        """,

        // 7: specs move out of the flow row, keyed by the hash of their text (SpecHash), as in SQLite.
        // Every step writes a new version of the flow row; without the spec it is a fraction of the size,
        // so more versions fit in the page and the update stays HOT (no index entries written). Specs
        // stored before this version keep a key of their own flow's id.
        """
        CREATE TABLE specs (
            hash        text COLLATE "C" NOT NULL PRIMARY KEY,
            spec_json   text NOT NULL
        );
        ALTER TABLE flows ADD COLUMN spec_hash text COLLATE "C" NOT NULL DEFAULT '';
        INSERT INTO specs (hash, spec_json) SELECT 'flow:' || id, spec_json FROM flows;
        UPDATE flows SET spec_hash = 'flow:' || id;
        ALTER TABLE flows DROP COLUMN spec_json;
        ALTER TABLE flows ALTER COLUMN spec_hash DROP DEFAULT;
        """,

        // 8: schedules, leased like flows: due ones unleased from schedules_due, those whose lease ran out
        // from schedules_leased, buffered slots from schedules_buffered, so a claim reads only what it may
        // take. Flows keep the schedule and slot that started them, listed by schedule.
        """
        CREATE TABLE schedules (
            name             text COLLATE "C" NOT NULL PRIMARY KEY,
            owner            text COLLATE "C",
            definition_json  text    NOT NULL,
            paused           boolean NOT NULL,
            note             text,
            next_fire_at     bigint,
            last_slot        bigint,
            last_flow_id     text COLLATE "C",
            buffered_slot    bigint,
            last_error       text,
            lease_owner      text COLLATE "C",
            lease_expires_at bigint,
            created_at       bigint  NOT NULL,
            updated_at       bigint  NOT NULL
        );
        CREATE INDEX schedules_due ON schedules (next_fire_at, name) WHERE next_fire_at IS NOT NULL AND NOT paused AND lease_owner IS NULL;
        CREATE INDEX schedules_leased ON schedules (lease_expires_at, name) WHERE lease_owner IS NOT NULL;
        CREATE INDEX schedules_buffered ON schedules (name) WHERE buffered_slot IS NOT NULL;

        ALTER TABLE flows ADD COLUMN schedule text COLLATE "C";
        ALTER TABLE flows ADD COLUMN slot bigint;
        CREATE INDEX flows_schedule ON flows (schedule, created_at, id) WHERE schedule IS NOT NULL;
        """,

        // 9: how many times a step's worker was lost while running it (the crash-loop limit). A constant
        // default: the column is added without rewriting the table.
        "ALTER TABLE steps ADD COLUMN recoveries integer NOT NULL DEFAULT 0;",
        // 10: retention: deleting a flow deletes its spec when no other flow names it, which this index finds
        // without reading every flow.
        """
        CREATE INDEX IF NOT EXISTS flows_spec ON flows (spec_hash);
        """,
        // 11: tags given at a flow's start and attributes its tasks set, for finding flows. Each row copies its
        // flow's creation time (at), so a page filtered by tag or attribute is read newest first from its
        // own index; the primary key finds a flow's rows.
        """
        CREATE TABLE IF NOT EXISTS flow_tags (
            flow_id text COLLATE "C" NOT NULL,
            tag     text COLLATE "C" NOT NULL,
            at      bigint NOT NULL,
            PRIMARY KEY (flow_id, tag)
        );
        CREATE INDEX IF NOT EXISTS flow_tags_find ON flow_tags (tag, at, flow_id);

        CREATE TABLE IF NOT EXISTS flow_attributes (
            flow_id text COLLATE "C" NOT NULL,
            name    text COLLATE "C" NOT NULL,
            value   text COLLATE "C" NOT NULL,
            at      bigint NOT NULL,
            PRIMARY KEY (flow_id, name)
        );
        CREATE INDEX IF NOT EXISTS flow_attributes_find ON flow_attributes (name, value, at, flow_id);
        """,
        // 12: pausing: flows.suspended holds 1 for a flow suspended by hand and 2 for a flow of a paused routine.
        // Held flows leave flows_due, so a claim never reads past them however many wait; flows started
        // while their routine is paused are marked as they are inserted. No commit names the column.
        """
        ALTER TABLE flows ADD COLUMN suspended integer NOT NULL DEFAULT 0;
        CREATE TABLE paused_routines (
            name        text COLLATE "C" NOT NULL PRIMARY KEY,
            paused_at   bigint NOT NULL,
            paused_by   text
        );
        DROP INDEX flows_due;
        CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0;
        CREATE FUNCTION flows_routine_paused() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM paused_routines WHERE name = NEW.routine) THEN
                NEW.suspended := NEW.suspended | 2;
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER flows_routine_paused BEFORE INSERT ON flows FOR EACH ROW WHEN (NEW.routine IS NOT NULL)
            EXECUTE FUNCTION flows_routine_paused();
        """,
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
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int Latest => Migrations.Count;

    /// <summary>
    /// Brings the schema to <see cref="Latest"/> in one transaction, or refuses a newer one. A transaction-scoped
    /// advisory lock (per database and schema) makes processes that start at the same moment take turns:
    /// the first migrates, the others then find the work done.
    /// </summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, tx);
        await using (lockCmd.ConfigureAwait(false))
        {
            lockCmd.Parameters.AddWithValue("key", LockKey(schema));
            await lockCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var quoted = Quote(schema);
        await ExecuteAsync(connection, tx, $"CREATE SCHEMA IF NOT EXISTS {quoted}; CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
        int current;
        var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {quoted}.schema_version", connection, tx);
        await using (read.ConfigureAwait(false))
        {
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL schema '{schema}' has FlowMachine schema version {current}, but this version of FlowMachine knows versions up to {Latest}. " +
                "Run a newer FlowMachine against it, or use another schema (PostgresStoreOptions.Schema).");
        }

        for (var version = current + 1; version <= Latest; version++)
        {
            // The search path of the connection is the schema, so migrations name tables without it.
            await ExecuteAsync(connection, tx, $"SET LOCAL search_path TO {quoted}; " + Migrations[version - 1], cancellationToken).ConfigureAwait(false);
        }

        if (current < Latest)
        {
            await ExecuteAsync(connection, tx, $"DELETE FROM {quoted}.schema_version; INSERT INTO {quoted}.schema_version (version) VALUES ({Latest})", cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a schema name: plain lower-case identifiers only, so it can be quoted into SQL safely.</summary>
    public static string Validate(string schema)
    {
        if (string.IsNullOrEmpty(schema) || schema.Length > 50 || !(char.IsAsciiLetterLower(schema[0]) || schema[0] == '_')
            || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException($"The schema name '{schema}' is not valid: use lower-case letters, digits and '_', starting with a letter (at most 50 characters).", nameof(schema));
        }

        return schema;
    }

    public static string Quote(string identifier) => "\"" + identifier + "\"";

    /// <summary>A stable 64-bit key for the advisory lock (FNV-1a; string.GetHashCode differs per process).</summary>
    private static long LockKey(string schema)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes("flowmachine.migrate:" + schema))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        await using var cmdScope = cmd.ConfigureAwait(false);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
