namespace FlowMachine.Postgres;

/// <summary>
/// The PostgreSQL schema as an ordered list of migrations (see <see cref="PostgresSchema"/>): version N is the state after
/// the first N. A change is a new entry at the end of the last part, never an edit of an old one.
/// </summary>
internal static partial class PostgresMigrations
{
    private static string[]? all;

    /// <summary>Every migration, oldest first (built on first use: the parts live in several files, whose field initializers run in no set order).</summary>
    public static IReadOnlyList<string> All => all ??= [.. Foundation, .. FlowControl, .. Events, .. Hooks, .. KeyedDelivery, .. RateTokens, .. LimitsInCommit, .. SetTakes, .. HotSlots, .. RateBuckets];

    /// <summary>1 to 12: flows, steps, history, users, routines, schedules, retention.</summary>
    private static readonly string[] Foundation =
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
    ];
}
