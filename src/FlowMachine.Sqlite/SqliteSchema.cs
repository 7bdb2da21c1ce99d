namespace FlowMachine.Sqlite;

/// <summary>
/// The schema as an ordered list of migrations. Version N is the state after the first N migrations;
/// a new schema change is a new entry at the end, never an edit of an old one.
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: the first schema. Times are unix milliseconds, JSON is text, states are capital names.
        """
        CREATE TABLE routines (
            name        TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            spec_json   TEXT    NOT NULL,
            owner       TEXT,
            created_at  INTEGER NOT NULL,
            PRIMARY KEY (name, version)
        ) WITHOUT ROWID;

        CREATE TABLE flows (
            id                 TEXT    NOT NULL PRIMARY KEY,
            key                TEXT    UNIQUE,
            label              TEXT,
            owner              TEXT,
            routine            TEXT,
            routine_version    INTEGER,
            spec_json          TEXT    NOT NULL,
            state              TEXT    NOT NULL,
            position           INTEGER NOT NULL,
            input              TEXT,
            data               TEXT    NOT NULL,
            wait_reason        TEXT,
            result             TEXT,
            error              TEXT,
            parent_flow_id     TEXT,
            parent_step_key    TEXT,
            parent_child_index INTEGER NOT NULL,
            generation         INTEGER NOT NULL,
            created_at         INTEGER NOT NULL,
            updated_at         INTEGER NOT NULL,
            next_run_at        INTEGER,
            lease_owner        TEXT,
            lease_expires_at   INTEGER
        );
        CREATE INDEX flows_next_run ON flows (next_run_at) WHERE next_run_at IS NOT NULL;
        CREATE INDEX flows_created ON flows (created_at, id);
        CREATE INDEX flows_state ON flows (state, created_at, id);
        CREATE INDEX flows_routine ON flows (routine, created_at, id);
        CREATE INDEX flows_owner ON flows (owner, created_at, id);
        CREATE INDEX flows_parent ON flows (parent_flow_id, created_at, id);

        CREATE TABLE steps (
            flow_id          TEXT    NOT NULL REFERENCES flows (id),
            key              TEXT    NOT NULL,
            idx              INTEGER NOT NULL,
            task_type        TEXT    NOT NULL,
            state            TEXT    NOT NULL,
            result           TEXT,
            error            TEXT,
            error_detail     TEXT,
            attempts         INTEGER NOT NULL,
            started_at       INTEGER,
            finished_at      INTEGER,
            not_before       INTEGER,
            wait_reason      TEXT,
            wait_event       TEXT,
            wait_until       INTEGER,
            resume_token     TEXT,
            param_overrides  TEXT,
            spawn            TEXT,
            PRIMARY KEY (flow_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX steps_resume_token ON steps (resume_token) WHERE resume_token IS NOT NULL;

        CREATE TABLE history (
            flow_id   TEXT    NOT NULL REFERENCES flows (id),
            seq       INTEGER NOT NULL,
            at        INTEGER NOT NULL,
            kind      TEXT    NOT NULL,
            step_key  TEXT,
            detail    TEXT,
            PRIMARY KEY (flow_id, seq)
        ) WITHOUT ROWID;

        -- AUTOINCREMENT: ids must never be reused after consumed rows are deleted.
        CREATE TABLE commands (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            flow_id   TEXT    NOT NULL REFERENCES flows (id),
            kind      TEXT    NOT NULL,
            step_key  TEXT,
            payload   TEXT,
            actor     TEXT,
            at        INTEGER NOT NULL
        );
        CREATE INDEX commands_flow ON commands (flow_id, id);

        CREATE TABLE events (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            flow_id   TEXT    NOT NULL REFERENCES flows (id),
            name      TEXT    NOT NULL,
            value     TEXT,
            at        INTEGER NOT NULL
        );
        CREATE INDEX events_flow ON events (flow_id, id);
        """,

        // 2: users and their API keys; keys are stored only as SHA-256 hashes.
        """
        CREATE TABLE users (
            name        TEXT    NOT NULL PRIMARY KEY,
            is_admin    INTEGER NOT NULL,
            created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE api_keys (
            key_hash    BLOB    NOT NULL PRIMARY KEY,
            prefix      TEXT    NOT NULL,
            user_name   TEXT    NOT NULL REFERENCES users (name),
            created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX api_keys_user ON api_keys (user_name);
        """,

        // 3: resume tokens once taken; a commit that still carries one cannot make it usable again.
        """
        CREATE TABLE used_resume_tokens (
            token       TEXT    NOT NULL PRIMARY KEY,
            flow_id     TEXT    NOT NULL,
            step_key    TEXT    NOT NULL,
            used_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,

        // Specs move out of the flow row (SQLite rewrites a whole row on update). Specs stored before
        // this version keep a key of their own flow's id; new ones are keyed by the hash of their text.
        """
        CREATE TABLE specs (
            hash        TEXT    NOT NULL PRIMARY KEY,
            spec_json   TEXT    NOT NULL
        );
        ALTER TABLE flows ADD COLUMN spec_hash TEXT NOT NULL DEFAULT '';
        INSERT INTO specs (hash, spec_json) SELECT 'flow:' || id, spec_json FROM flows;
        UPDATE flows SET spec_hash = 'flow:' || id;
        ALTER TABLE flows DROP COLUMN spec_json;
        """,

        // 5: the due index holds only flows nobody holds, and leased flows have an index of their own. A
        // claim reads the first due rows instead of stepping past every running flow (they stay due while
        // leased), and a step's commit of a leased flow touches neither index. Indexes for filters that
        // always name a value skip the rows without one, so creating a flow writes fewer index entries.
        """
        DROP INDEX flows_next_run;
        CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL;
        CREATE INDEX flows_leased ON flows (lease_expires_at, id) WHERE lease_owner IS NOT NULL;

        -- The filters on routine, owner and parent always name a value: flows without one need no entry.
        DROP INDEX flows_routine;
        DROP INDEX flows_owner;
        DROP INDEX flows_parent;
        CREATE INDEX flows_routine ON flows (routine, created_at, id) WHERE routine IS NOT NULL;
        CREATE INDEX flows_owner ON flows (owner, created_at, id) WHERE owner IS NOT NULL;
        CREATE INDEX flows_parent ON flows (parent_flow_id, created_at, id) WHERE parent_flow_id IS NOT NULL;
        """,

        // 6: schedules, leased like flows: due ones unleased from schedules_due, those whose lease ran out
        // from schedules_leased, buffered slots from schedules_buffered, so a claim reads only what it may
        // take. Flows keep the schedule and slot that started them, listed by schedule.
        """
        CREATE TABLE schedules (
            name             TEXT    NOT NULL PRIMARY KEY,
            owner            TEXT,
            definition_json  TEXT    NOT NULL,
            paused           INTEGER NOT NULL,
            note             TEXT,
            next_fire_at     INTEGER,
            last_slot        INTEGER,
            last_flow_id     TEXT,
            buffered_slot    INTEGER,
            last_error       TEXT,
            lease_owner      TEXT,
            lease_expires_at INTEGER,
            created_at       INTEGER NOT NULL,
            updated_at       INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX schedules_due ON schedules (next_fire_at, name) WHERE next_fire_at IS NOT NULL AND paused = 0 AND lease_owner IS NULL;
        CREATE INDEX schedules_leased ON schedules (lease_expires_at, name) WHERE lease_owner IS NOT NULL;
        CREATE INDEX schedules_buffered ON schedules (name) WHERE buffered_slot IS NOT NULL;

        ALTER TABLE flows ADD COLUMN schedule TEXT;
        ALTER TABLE flows ADD COLUMN slot INTEGER;
        CREATE INDEX flows_schedule ON flows (schedule, created_at, id) WHERE schedule IS NOT NULL;
        """,

        // 7: how many times a step's worker was lost while running it (the crash-loop limit).
        "ALTER TABLE steps ADD COLUMN recoveries INTEGER NOT NULL DEFAULT 0;",
        // 8: retention: deleting a flow deletes its spec when no other flow names it, which this index finds
        // without reading every flow.
        """
        CREATE INDEX IF NOT EXISTS flows_spec ON flows (spec_hash);
        """,
        // 9: tags given at a flow's start and attributes its tasks set, for finding flows. Each row copies its
        // flow's creation time (at), so a page filtered by tag or attribute is read newest first from its
        // own index; the primary key finds a flow's rows.
        """
        CREATE TABLE IF NOT EXISTS flow_tags (
            flow_id TEXT    NOT NULL,
            tag     TEXT    NOT NULL,
            at      INTEGER NOT NULL,
            PRIMARY KEY (flow_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS flow_tags_find ON flow_tags (tag, at, flow_id);

        CREATE TABLE IF NOT EXISTS flow_attributes (
            flow_id TEXT    NOT NULL,
            name    TEXT    NOT NULL,
            value   TEXT    NOT NULL,
            at      INTEGER NOT NULL,
            PRIMARY KEY (flow_id, name)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS flow_attributes_find ON flow_attributes (name, value, at, flow_id);
        """,
        // 10: pausing: flows.suspended holds 1 for a flow suspended by hand and 2 for a flow of a paused routine.
        // Held flows leave flows_due, so a claim never steps past them however many wait; flows started
        // while their routine is paused are marked as they are inserted. A commit never names the column.
        """
        ALTER TABLE flows ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE paused_routines (
            name        TEXT    NOT NULL PRIMARY KEY,
            paused_at   INTEGER NOT NULL,
            paused_by   TEXT
        ) WITHOUT ROWID;
        DROP INDEX flows_due;
        CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0;
        CREATE TRIGGER flows_routine_paused AFTER INSERT ON flows
            WHEN NEW.routine IS NOT NULL AND EXISTS (SELECT 1 FROM paused_routines WHERE name = NEW.routine)
            BEGIN UPDATE flows SET suspended = suspended | 2 WHERE id = NEW.id; END;
        """,
        // 11: priorities (higher runs first, 0 unless a start asks otherwise). flows_due keeps the unleased flows
        // of priority 0, so claiming those reads it as before; flows of any other priority are in
        // flows_due_ranked, highest first, then by due time, and a claim takes them before and after priority 0.
        """
        ALTER TABLE flows ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
        DROP INDEX flows_due;
        CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0 AND priority = 0;
        CREATE INDEX flows_due_ranked ON flows (priority DESC, next_run_at, id)
            WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND suspended = 0 AND priority <> 0;
        """,
        // 12: Queues and worker pools: the route of a flow let go for another pool, and the workers' registry.
        """
        ALTER TABLE flows ADD COLUMN route TEXT;
        CREATE TABLE workers (
            id            TEXT    NOT NULL PRIMARY KEY,
            host          TEXT    NOT NULL,
            process_id    INTEGER NOT NULL,
            queues        TEXT    NOT NULL,
            task_types    TEXT    NOT NULL,
            started_at    INTEGER NOT NULL,
            heartbeat_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 13: flow control. limit_slots holds one row per running step that holds a concurrency slot (expiring with
        // its lease); limit_waiters the flows refused a slot, oldest first per key; rate_tokens the rate tokens taken
        // within their window. One writer at a time decides, so a count and an insert need no further lock.
        """
        CREATE TABLE IF NOT EXISTS limit_slots (
            key         TEXT    NOT NULL,
            flow_id     TEXT    NOT NULL,
            step_key    TEXT    NOT NULL,
            owner       TEXT,
            expires_at  INTEGER NOT NULL,
            PRIMARY KEY (key, flow_id, step_key)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS limit_slots_flow ON limit_slots (flow_id);
        CREATE TABLE IF NOT EXISTS limit_waiters (
            key         TEXT    NOT NULL,
            flow_id     TEXT    NOT NULL,
            since       INTEGER NOT NULL,
            lim         INTEGER NOT NULL,
            PRIMARY KEY (key, flow_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS limit_waiters_order ON limit_waiters (key, since, flow_id);
        CREATE INDEX IF NOT EXISTS limit_waiters_flow ON limit_waiters (flow_id);
        CREATE TABLE IF NOT EXISTS rate_tokens (
            key         TEXT    NOT NULL,
            taken_at    INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS rate_tokens_key ON rate_tokens (key, taken_at);
        """,
        // 14: schedule_to_start. route_deadline: when a step a flow let go for another pool waits for passes its
        // schedule_to_start; the workers' heartbeat clears the route of such flows, so that any worker fails the step.
        """
        ALTER TABLE flows ADD COLUMN route_deadline INTEGER;
        CREATE INDEX IF NOT EXISTS flows_route_deadline ON flows (route_deadline) WHERE route_deadline IS NOT NULL;
        """,
        // 15: the W3C traceparent of the span that started a flow,
        // the parent of its steps' spans.
        "ALTER TABLE flows ADD COLUMN trace_parent TEXT;",
        // 16: a running step's progress (JSON) and when it was stored, written apart from the step's commits.
        """
        ALTER TABLE steps ADD COLUMN progress TEXT;
        ALTER TABLE steps ADD COLUMN progress_at INTEGER;
        """,
        // 17: cfg.deadline: when the flow fails with "deadline exceeded" (Unix ms; null: none). Written at creation
        // and with every commit (a retry moves it); the flow's next_run_at is never later than it while it waits.
        "ALTER TABLE flows ADD COLUMN deadline INTEGER;",
        // 18: the answers to commands sent with an Idempotency-Key, kept for a while (ICommandReceiptStore). status and
        // body stay NULL while the first request is still being handled.
        """
        CREATE TABLE IF NOT EXISTS command_receipts (
            key         TEXT    NOT NULL PRIMARY KEY,
            request     TEXT    NOT NULL,
            status      INTEGER,
            body        TEXT,
            created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS command_receipts_created ON command_receipts (created_at);
        """,
        // 19: events matched to waiting flows by correlation key.
        // keyed_waits: the steps that wait for an event by (event, key), written and dropped with the commits that begin
        // and end the waits. kept_events: the latest event of each name, key and owner ('' for an administrator's), for
        // flows that wait later, until expires_at. seen_event_ids: the ids of raised events, remembered as long.
        """
        CREATE TABLE keyed_waits (
            flow_id     TEXT NOT NULL,
            step_key    TEXT NOT NULL,
            event_name  TEXT NOT NULL,
            event_key   TEXT NOT NULL,
            owner       TEXT,
            PRIMARY KEY (flow_id, step_key)
        ) WITHOUT ROWID;
        CREATE INDEX keyed_waits_event ON keyed_waits (event_name, event_key);
        CREATE TABLE kept_events (
            name        TEXT    NOT NULL,
            key         TEXT    NOT NULL,
            owner       TEXT    NOT NULL,
            value       TEXT,
            raised_at   INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL,
            PRIMARY KEY (name, key, owner)
        ) WITHOUT ROWID;
        CREATE INDEX kept_events_expiry ON kept_events (expires_at);
        CREATE TABLE seen_event_ids (
            owner       TEXT    NOT NULL,
            id          TEXT    NOT NULL,
            expires_at  INTEGER NOT NULL,
            PRIMARY KEY (owner, id)
        ) WITHOUT ROWID;
        CREATE INDEX seen_event_ids_expiry ON seen_event_ids (expires_at);
        """,
        // ---- 20: webhooks ----
        // hooks: by unique name, with the secret that signs their deliveries, their owner and their action (JSON).
        // hook_deliveries: the delivery ids each hook received and the answer given (status and body NULL while the
        // first delivery is being handled), kept for HookProtocol.DeliveryKeep; deleted with their hook.
        """
        CREATE TABLE hooks (
            name        TEXT    NOT NULL PRIMARY KEY,
            secret      TEXT    NOT NULL,
            owner       TEXT    NOT NULL,
            action_json TEXT    NOT NULL,
            created_at  INTEGER NOT NULL,
            rotated_at  INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX hooks_owner ON hooks (owner, name);
        CREATE TABLE hook_deliveries (
            hook        TEXT    NOT NULL,
            delivery    TEXT    NOT NULL,
            status      INTEGER,
            body        TEXT,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (hook, delivery)
        ) WITHOUT ROWID;
        CREATE INDEX hook_deliveries_received ON hook_deliveries (received_at);
        """,
        // ---- end 20 ----

        // 21 (the SQLite schema number given to this change; renumbered at merge to follow the others): an event
        // raised by key reaches only the step that waits for its name with that key. events.key: the event's
        // correlation key (NULL for one raised for the flow itself); steps.wait_key: the key a waiting step waits with;
        // kept_events.id: the id the kept event was raised with (listed with it).
        """
        ALTER TABLE events ADD COLUMN key TEXT;
        ALTER TABLE steps ADD COLUMN wait_key TEXT;
        ALTER TABLE kept_events ADD COLUMN id TEXT;
        """,
        // ---- 22 (issue 25; the next entry on this branch, renumbered at merge) ----
        // One history row per commit (SqliteHistory): the row holds the commit's last event in its columns and the
        // events before it in `earlier`, a JSON array (null when the commit recorded one event). Rows written
        // before keep one event each and read as before.
        "ALTER TABLE history ADD COLUMN earlier TEXT;",
        // ---- end of 22 ----

        // ---- 23 (flow control's cost; the next entry on this branch, renumbered at merge) ----
        // Rate tokens numbered per key (SqliteLimits.TakeToken): a take reads the key's last token and the one `limit`
        // before it by primary key instead of counting the window's tokens, and the expired ones are deleted now and
        // then rather than at every take. Tokens taken before keep their order.
        """
        CREATE TABLE rate_log (
            key       TEXT    NOT NULL,
            seq       INTEGER NOT NULL,
            taken_at  INTEGER NOT NULL,
            PRIMARY KEY (key, seq)
        ) WITHOUT ROWID;
        INSERT INTO rate_log (key, seq, taken_at)
            SELECT key, row_number() OVER (PARTITION BY key ORDER BY taken_at, rowid), taken_at FROM rate_tokens;
        DROP TABLE rate_tokens;
        """,
        // ---- end of 23 ----
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int Latest => Migrations.Count;

    /// <summary>Brings the database to <see cref="Latest"/> in one transaction, or refuses a newer one.</summary>
    public static void Migrate(SqliteCommandCache db, string path)
    {
        db.Execute("BEGIN IMMEDIATE");
        try
        {
            db.Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            using var read = db.Connection.CreateCommand();
            read.CommandText = "SELECT MAX(version) FROM schema_version";
            var current = read.ExecuteScalar() is long v ? (int)v : 0;
            if (current > Latest)
            {
                throw new InvalidOperationException(
                    $"The SQLite database '{path}' has schema version {current}, but this version of FlowMachine knows schema versions up to {Latest}. " +
                    "Run a newer FlowMachine against it, or use another database file.");
            }

            for (var version = current + 1; version <= Latest; version++)
            {
                db.Execute(Migrations[version - 1]);
            }

            if (current < Latest)
            {
                db.Execute("DELETE FROM schema_version");
                db.Execute($"INSERT INTO schema_version (version) VALUES ({Latest})");
            }

            db.Execute("COMMIT");
        }
        catch
        {
            db.Execute("ROLLBACK");
            throw;
        }
    }
}
