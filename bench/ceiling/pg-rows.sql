-- The PostgreSQL ceiling for FlowMachine's steps: the store's tables and indexes (schema 7), with
-- 8 clients x 1,024 flows of 10 steps leased to a worker. pg-rows.pgbench then writes what a batch
-- of 16 step commits writes, in the store's multi-row statement shapes, with no worker process.
--
--   createdb rows && psql -q -d rows -f bench/ceiling/pg-rows.sql
--   pgbench -n -f bench/ceiling/pg-rows.pgbench -c 4 -j 2 -T 30 rows    # steps/s = tps x 16
DROP TABLE IF EXISTS flows, steps, history, commands, specs;
DROP SEQUENCE IF EXISTS history_seq;
CREATE TABLE flows (
    id text COLLATE "C" NOT NULL PRIMARY KEY, key text COLLATE "C" UNIQUE, label text, owner text COLLATE "C",
    routine text COLLATE "C", routine_version integer, state text NOT NULL, position integer NOT NULL, input text,
    data text NOT NULL, wait_reason text, result text, error text, parent_flow_id text COLLATE "C", parent_step_key text,
    parent_child_index integer NOT NULL, generation integer NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL,
    next_run_at bigint, lease_owner text COLLATE "C", lease_expires_at bigint, spec_hash text COLLATE "C" NOT NULL
) WITH (fillfactor = 70);
CREATE INDEX flows_created ON flows (created_at, id);
CREATE INDEX flows_state ON flows (state, created_at, id);
CREATE INDEX flows_routine ON flows (routine, created_at, id);
CREATE INDEX flows_owner ON flows (owner, created_at, id);
CREATE INDEX flows_parent ON flows (parent_flow_id, created_at, id);
CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL;
CREATE INDEX flows_leased ON flows (lease_expires_at, id) WHERE lease_owner IS NOT NULL;
CREATE TABLE steps (
    flow_id text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, idx integer NOT NULL, task_type text NOT NULL,
    state text NOT NULL, result text, error text, error_detail text, attempts integer NOT NULL, started_at bigint,
    finished_at bigint, not_before bigint, wait_reason text, wait_event text, wait_until bigint, resume_token text COLLATE "C",
    param_overrides text, spawn text, PRIMARY KEY (flow_id, key)
) WITH (fillfactor = 70);
CREATE INDEX steps_resume_token ON steps (resume_token) WHERE resume_token IS NOT NULL;
CREATE TABLE history (
    flow_id text COLLATE "C" NOT NULL, seq bigint NOT NULL, at bigint NOT NULL, kind text NOT NULL, step_key text, detail text,
    PRIMARY KEY (flow_id, seq)
);
CREATE TABLE commands (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, flow_id text COLLATE "C" NOT NULL, kind text NOT NULL,
    step_key text, payload text, actor text, at bigint NOT NULL
);
CREATE INDEX commands_flow ON commands (flow_id, id);
CREATE SEQUENCE history_seq;

INSERT INTO flows (id, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at,
                   lease_owner, lease_expires_at, spec_hash)
SELECT 'f' || c || '_' || n, 'RUNNING', 0, '{}', 0, 0, 1764000000000 + n, 1764000000000 + n, 1764000000000 + n,
       'worker-1', 1764000060000, 'spec'
FROM generate_series(1, 8) c, generate_series(0, 1023) n;
INSERT INTO steps (flow_id, key, idx, task_type, state, attempts)
SELECT f.id, 's' || k, k, 'noop', 'PENDING', 0 FROM flows f, generate_series(0, 9) k;
VACUUM ANALYZE;
