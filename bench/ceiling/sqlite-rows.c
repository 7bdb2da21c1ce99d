/*
 * The SQLite ceiling for FlowMachine's W10 workload: the rows the store writes for 500 flows of 10
 * no-op steps, 64 running at a time, written straight from C on one thread with no engine, no .NET
 * and no thread hand-offs. It uses the store's schema (version 5) and statements, and commits the
 * way its writer does under load: a transaction of about 17 requests (argv[4]), with no savepoint per
 * request (the writer undoes a failed batch as a whole and runs it again without the failing request;
 * argv[5] "savepoints" puts each request in a savepoint, as the writer did before), and
 * synchronous=FULL, the store's default (argv[6] "normal" for synchronous=NORMAL).
 *
 *   gcc -O2 -o /tmp/sqlite-rows bench/ceiling/sqlite-rows.c -lsqlite3 && /tmp/sqlite-rows /tmp/rows.db full 500
 *   /tmp/sqlite-rows /tmp/rows.db full 2000 17 no-savepoints full     # the rows and commits of the store today
 *
 * (apt-get install libsqlite3-dev for the header; to use the SQLite build the store ships with, link the
 * libe_sqlite3.so from the benchmark's runtimes/linux-x64/native folder instead, with -Wl,-rpath.)
 *
 * argv[7], if given, is a database to take the schema from instead of the one below (version 5): an empty
 * store made by `dotnet FlowMachine.Benchmarks.dll sqlite-schema /tmp/schema.db` has today's tables,
 * columns and indexes (the rows below are written into them as they are).
 *
 *   /tmp/sqlite-rows /tmp/rows.db engine 2000 25 no-savepoints full /tmp/schema.db   # like for like with `batch sqlite 10 2000`
 *
 * Variants (argv[2]): "engine" writes the requests a flow of 10 no-op steps makes of the store, all of them:
 * a first commit that starts the flow's first step (the flow row, the step, one history row), then a commit
 * a step as "full" does, the last one letting go of the lease (and checking for events as well); the lease
 * is taken by a claim request, and the claimed flow is read on a second connection in a read transaction
 * as the store's claim does (the flow row, the last history seq with whether commands and events exist, the steps,
 * and the commands and events only when there are some). Its
 * steps/s counts the 10 steps of a flow, as W10 does, over 11 commits, a claim and a create a flow.
 * Its rows are the engine's as stored (checked against a W10 store in session 13): the steps' keys (noop, noop#2, ...),
 * the history rows with their step keys and details (flow.created and flow.completed carry one), the JSON of `earlier`.
 * "full" writes what a step writes today (the flow row, the finished and the
 * started step, one history row holding both events -- the started one in its columns, the finished one
 * in the JSON column `earlier` -- and the check for commands); "two-history" writes a history row per
 * event, as the store did before schema 22 of issue 25; "no-started" writes neither the started step's
 * row nor its event (what a layout that keeps the running step in the flow row would write).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FLOWS 20000
static int FLOWS = 500;
#define STEPS 10
#define RUNNING 64
static int PER_TX = 17;
static int SAVEPOINTS = 0;

static sqlite3 *db, *rdb;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(const char *sql) { check(sqlite3_exec(db, sql, 0, 0, 0), sql); }

static sqlite3_stmt *prep(const char *sql) {
    sqlite3_stmt *s;
    check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, 0), sql);
    return s;
}

static void run(sqlite3_stmt *s) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    check(rc, sqlite3_sql(s));
    sqlite3_reset(s);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static const char *schema =
    "CREATE TABLE flows (id TEXT NOT NULL PRIMARY KEY, key TEXT UNIQUE, label TEXT, owner TEXT, routine TEXT, routine_version INTEGER,"
    " state TEXT NOT NULL, position INTEGER NOT NULL, input TEXT, data TEXT NOT NULL, wait_reason TEXT, result TEXT, error TEXT,"
    " parent_flow_id TEXT, parent_step_key TEXT, parent_child_index INTEGER NOT NULL, generation INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, next_run_at INTEGER, lease_owner TEXT, lease_expires_at INTEGER,"
    " spec_hash TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX flows_created ON flows (created_at, id);"
    "CREATE INDEX flows_state ON flows (state, created_at, id);"
    "CREATE INDEX flows_due ON flows (next_run_at, id) WHERE next_run_at IS NOT NULL AND lease_owner IS NULL;"
    "CREATE INDEX flows_leased ON flows (lease_expires_at, id) WHERE lease_owner IS NOT NULL;"
    "CREATE INDEX flows_routine ON flows (routine, created_at, id) WHERE routine IS NOT NULL;"
    "CREATE INDEX flows_owner ON flows (owner, created_at, id) WHERE owner IS NOT NULL;"
    "CREATE INDEX flows_parent ON flows (parent_flow_id, created_at, id) WHERE parent_flow_id IS NOT NULL;"
    "CREATE TABLE steps (flow_id TEXT NOT NULL, key TEXT NOT NULL, idx INTEGER NOT NULL, task_type TEXT NOT NULL, state TEXT NOT NULL,"
    " result TEXT, error TEXT, error_detail TEXT, attempts INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, not_before INTEGER,"
    " wait_reason TEXT, wait_event TEXT, wait_until INTEGER, resume_token TEXT, param_overrides TEXT, spawn TEXT,"
    " PRIMARY KEY (flow_id, key)) WITHOUT ROWID;"
    "CREATE INDEX steps_resume_token ON steps (resume_token) WHERE resume_token IS NOT NULL;"
    "CREATE TABLE history (flow_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, step_key TEXT, detail TEXT,"
    " earlier TEXT, PRIMARY KEY (flow_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE commands (id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id TEXT NOT NULL, kind TEXT NOT NULL, step_key TEXT, payload TEXT,"
    " actor TEXT, at INTEGER NOT NULL);"
    "CREATE INDEX commands_flow ON commands (flow_id, id);"
    "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT, at INTEGER NOT NULL);"
    "CREATE INDEX events_flow ON events (flow_id, id);"
    "CREATE TABLE specs (hash TEXT NOT NULL PRIMARY KEY, spec_json TEXT NOT NULL);";

static sqlite3_stmt *insFlow, *insSpec, *insStep, *updFlow, *upsStep, *insHist, *hasCmd, *sp, *rel, *begin, *commit;
static char ids[MAX_FLOWS][33];
static long seqs[MAX_FLOWS];
static int nextStep[MAX_FLOWS];
static int variant; /* 0 full (one history row a commit), 1 two-history, 2 no-started, 3 engine */
static sqlite3_stmt *updFlowState, *updFlowRelease, *hasEvents, *readFlow, *readSeq, *readSteps, *readCmds, *readEvents, *rbegin, *rcommit;

static void text(sqlite3_stmt *s, int i, const char *v) {
    if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(s, i);
}

/* A history row; `earlier` (JSON, or NULL) holds the events of the same commit before this one. */
static void historyDetail(int f, long at, const char *kind, const char *key, const char *detail, const char *earlier) {
    sqlite3_bind_text(insHist, 1, ids[f], 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(insHist, 2, ++seqs[f]);
    sqlite3_bind_int64(insHist, 3, at);
    text(insHist, 4, kind);
    text(insHist, 5, key);
    text(insHist, 6, detail);
    text(insHist, 7, earlier);
    run(insHist);
}

static void historyRow(int f, long at, const char *kind, const char *key, const char *earlier) { historyDetail(f, at, kind, key, NULL, earlier); }

static void history(int f, long at, const char *kind, const char *key) { historyRow(f, at, kind, key, NULL); }

/* A step's key as the engine names the steps of a linear spec of no-op tasks: noop, noop#2, ..., noop#10. */
static void stepKey(char *key, size_t size, int k) {
    if (k == 0) snprintf(key, size, "noop"); else snprintf(key, size, "noop#%d", k + 1);
}

static void step(sqlite3_stmt *s, int f, int k, const char *state, long started, long finished) {
    char key[24];
    stepKey(key, sizeof key, k);
    sqlite3_bind_text(s, 1, ids[f], 32, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, k);
    text(s, 3, key);
    text(s, 4, "noop");
    text(s, 5, state);
    for (int i = 6; i <= 18; i++) sqlite3_bind_null(s, i);
    sqlite3_bind_int(s, 9, started ? 1 : 0);
    if (started) sqlite3_bind_int64(s, 10, started);
    if (finished) sqlite3_bind_int64(s, 11, finished);
    run(s);
}

static void create(int f, long at) {
    snprintf(ids[f], 33, "%016lx%016x", (unsigned long)at, f); /* time-ordered, like UUIDv7 */
    text(insFlow, 1, ids[f]);
    text(insFlow, 2, "PENDING");
    sqlite3_bind_int64(insFlow, 3, at);
    sqlite3_bind_int64(insFlow, 4, at);
    text(insFlow, 5, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    run(insFlow);
    text(insSpec, 1, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    text(insSpec, 2, "{\"tasks\":[{\"key\":\"s0\",\"task_type\":\"noop\"}]}");
    run(insSpec);
    for (int k = 0; k < STEPS; k++) step(insStep, f, k, "PENDING", 0, 0);
    if (variant == 3) historyDetail(f, at, "flow.created", NULL, "{\"routine\":null,\"version\":null,\"key\":null,\"parent\":null}", NULL);
    else history(f, at, "flow.created", NULL);
}

static void flowRow(sqlite3_stmt *s, int f, int position, long at) {
    text(s, 1, ids[f]);
    sqlite3_bind_int(s, 2, position);
    sqlite3_bind_int64(s, 3, at);
    text(s, 4, "worker-1");
    run(s);
}

/* "engine": the commit that starts a claimed flow's first step. */
static void startFirst(int f, long at) {
    char earlier[160];
    flowRow(updFlowState, f, 0, at);
    step(upsStep, f, 0, "RUNNING", at, 0);
    snprintf(earlier, sizeof earlier, "[{\"seq\":%ld,\"at\":%ld,\"kind\":\"flow.started\"}]", ++seqs[f], at);
    historyRow(f, at, "step.started", "noop", earlier);
    text(hasCmd, 1, ids[f]);
    run(hasCmd);
}

/* "engine": the claim's read of a leased flow, on the second connection (as the store's readers do): the flow,
   its last seq with whether it has commands and events (reading those only when it has), and its steps. */
static void readClaimed(int f) {
    text(readSeq, 1, ids[f]);
    int rc = sqlite3_step(readSeq);
    int hasCommands = rc == SQLITE_ROW && sqlite3_column_int(readSeq, 1), hasEvents = rc == SQLITE_ROW && sqlite3_column_int(readSeq, 2);
    run(readSeq);
    sqlite3_stmt *reads[] = {readFlow, readSteps, readCmds, readEvents};
    int wanted[] = {1, 1, hasCommands, hasEvents};
    for (int i = 0; i < 4; i++) {
        if (!wanted[i]) continue;
        text(reads[i], 1, ids[f]);
        run(reads[i]);
    }
}

/* One step's commit: the flow row, the step that finished and the one started, history, the command check. */
static void commitStep(int f, long at) {
    int k = nextStep[f]++;
    int last = k == STEPS - 1;
    flowRow(variant == 3 && last ? updFlowRelease : updFlow, f, k + 1, at);
    step(upsStep, f, k, "COMPLETED", at, at);
    if (!last && variant != 2) {
        step(upsStep, f, k + 1, "RUNNING", at, 0);
        if (variant == 1) {
            history(f, at, "step.completed", "s");
            history(f, at, "step.started", "s");
        } else {
            char earlier[160], done[24], next[24];
            stepKey(done, sizeof done, k);
            stepKey(next, sizeof next, k + 1);
            snprintf(earlier, sizeof earlier, "[{\"seq\":%ld,\"at\":%ld,\"kind\":\"step.completed\",\"step\":\"%s\"}]", ++seqs[f], at, done);
            historyRow(f, at, "step.started", variant == 3 ? next : "s", earlier);
        }
    } else if (variant == 3) {
        char earlier[160], done[24];
        stepKey(done, sizeof done, k);
        snprintf(earlier, sizeof earlier, "[{\"seq\":%ld,\"at\":%ld,\"kind\":\"step.completed\",\"step\":\"%s\"}]", ++seqs[f], at, done);
        historyDetail(f, at, "flow.completed", NULL, "{}", earlier);
    } else {
        history(f, at, "step.completed", "s");
    }
    text(hasCmd, 1, ids[f]);
    run(hasCmd);
    if (variant == 3 && last) {
        text(hasEvents, 1, ids[f]);
        sqlite3_bind_int64(hasEvents, 2, 0);
        run(hasEvents);
    }
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "/tmp/sqlite-rows.db";
    const char *v = argc > 2 ? argv[2] : "full";
    variant = strcmp(v, "two-history") == 0 ? 1 : strcmp(v, "no-started") == 0 ? 2 : strcmp(v, "engine") == 0 ? 3 : 0;
    if (argc > 3) FLOWS = atoi(argv[3]);
    if (argc > 4) PER_TX = atoi(argv[4]);
    if (argc > 5) SAVEPOINTS = strcmp(argv[5], "savepoints") == 0;
    const char *sync = argc > 6 && strcmp(argv[6], "normal") == 0 ? "NORMAL" : "FULL";
    if (FLOWS < 1 || FLOWS > MAX_FLOWS || PER_TX < 1) { fprintf(stderr, "usage: sqlite-rows FILE [full|two-history|no-started] [FLOWS 1-%d] [REQUESTS PER TRANSACTION] [savepoints|no-savepoints] [full|normal]\n", MAX_FLOWS); return 2; }
    char wal[512], shm[512];
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    remove(path); remove(wal); remove(shm);
    check(sqlite3_open(path, &db), "open");
    exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = 4000;");
    exec(strcmp(sync, "FULL") == 0 ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
    if (argc > 7) {
        /* Today's schema, from an empty store: every table, index and trigger in the order they were made. */
        sqlite3 *from;
        sqlite3_stmt *objects;
        check(sqlite3_open_v2(argv[7], &from, SQLITE_OPEN_READONLY, 0), argv[7]);
        if (sqlite3_prepare_v2(from, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid", -1, &objects, 0) != SQLITE_OK) {
            fprintf(stderr, "%s: %s\n", argv[7], sqlite3_errmsg(from));
            return 1;
        }
        while (sqlite3_step(objects) == SQLITE_ROW) exec((const char *)sqlite3_column_text(objects, 0));
        sqlite3_finalize(objects);
        sqlite3_close(from);
    } else {
        exec(schema);
    }
    insFlow = prep("INSERT INTO flows (id, state, position, data, parent_child_index, generation, created_at, updated_at, next_run_at, spec_hash)"
                   " VALUES (?1, ?2, 0, '{}', 0, 0, ?3, ?4, ?4, ?5) ON CONFLICT (key) DO NOTHING");
    insSpec = prep("INSERT INTO specs (hash, spec_json) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING");
    const char *cols = "flow_id, idx, key, task_type, state, result, error, error_detail, attempts, started_at, finished_at, not_before,"
                       " wait_reason, wait_event, wait_until, resume_token, param_overrides, spawn";
    char sql[2048];
    snprintf(sql, sizeof sql, "INSERT INTO steps (%s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)", cols);
    insStep = prep(sql);
    snprintf(sql, sizeof sql, "INSERT INTO steps (%s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
             " ON CONFLICT (flow_id, key) DO UPDATE SET idx = excluded.idx, task_type = excluded.task_type, state = excluded.state,"
             " result = excluded.result, error = excluded.error, error_detail = excluded.error_detail, attempts = excluded.attempts,"
             " started_at = excluded.started_at, finished_at = excluded.finished_at, not_before = excluded.not_before,"
             " wait_reason = excluded.wait_reason, wait_event = excluded.wait_event, wait_until = excluded.wait_until,"
             " resume_token = excluded.resume_token, param_overrides = excluded.param_overrides, spawn = excluded.spawn", cols);
    upsStep = prep(sql);
    updFlow = prep("UPDATE flows SET position = ?2, data = data, wait_reason = NULL, result = NULL, error = NULL, generation = 0,"
                   " updated_at = ?3, next_run_at = next_run_at WHERE id = ?1 AND lease_owner = ?4");
    insHist = prep("INSERT INTO history (flow_id, seq, at, kind, step_key, detail, earlier) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    hasCmd = prep("SELECT EXISTS (SELECT 1 FROM commands WHERE flow_id = ?1)");
    sp = prep("SAVEPOINT request");
    rel = prep("RELEASE request");
    begin = prep("BEGIN IMMEDIATE");
    commit = prep("COMMIT");
    sqlite3_stmt *lease = prep("UPDATE flows SET lease_owner = 'worker-1', lease_expires_at = ?2 WHERE id = ?1");
    updFlowState = prep("UPDATE flows SET state = 'RUNNING', position = ?2, data = data, wait_reason = NULL, result = NULL, error = NULL, generation = 0,"
                        " updated_at = ?3, next_run_at = next_run_at WHERE id = ?1 AND lease_owner = ?4");
    updFlowRelease = prep("UPDATE flows SET state = 'COMPLETED', position = ?2, data = data, wait_reason = NULL, result = NULL, error = NULL, generation = 0,"
                          " updated_at = ?3, next_run_at = NULL, lease_owner = NULL, lease_expires_at = NULL WHERE id = ?1 AND lease_owner = ?4");
    hasEvents = prep("SELECT EXISTS (SELECT 1 FROM events WHERE flow_id = ?1 AND id > ?2)");
    if (variant == 3) {
        check(sqlite3_open(path, &rdb), "open a reader");
        sqlite3 *w = db;
        db = rdb; /* prep() prepares on db */
        readFlow = prep("SELECT * FROM flows WHERE id = ?1");
        readSeq = prep("SELECT COALESCE((SELECT MAX(seq) FROM history WHERE flow_id = ?1), 0),"
                       " EXISTS (SELECT 1 FROM commands WHERE flow_id = ?1), EXISTS (SELECT 1 FROM events WHERE flow_id = ?1)");
        snprintf(sql, sizeof sql, "SELECT %s FROM steps WHERE flow_id = ?1 ORDER BY idx, key", cols);
        readSteps = prep(sql);
        readCmds = prep("SELECT id, flow_id, kind, step_key, payload, actor, at FROM commands WHERE flow_id = ?1 ORDER BY id");
        readEvents = prep("SELECT id, flow_id, name, value, at FROM events WHERE flow_id = ?1 ORDER BY id");
        rbegin = prep("BEGIN");
        rcommit = prep("COMMIT");
        db = w;
    }

    double t0 = now(), c0 = cpu();
    long at = 1764000000000L;
    /* Creates, in transactions of PER_TX. */
    for (int f = 0; f < FLOWS; f += PER_TX) {
        run(begin);
        for (int g = f; g < f + PER_TX && g < FLOWS; g++) { if (SAVEPOINTS) run(sp); create(g, at + g); if (SAVEPOINTS) run(rel); }
        run(commit);
    }
    /* 64 flows run at a time: each is leased (a claim), then its steps commit one per request. */
    int running[RUNNING], nrun = 0, nextFlow = 0, done = 0, inTx = 0, claimedFrom = 0;
    long steps = 0;
    while (done < FLOWS) {
        while (nrun < RUNNING && nextFlow < FLOWS) {
            text(lease, 1, ids[nextFlow]);
            sqlite3_bind_int64(lease, 2, at + 60000);
            if (inTx == 0) run(begin);
            if (SAVEPOINTS) run(sp);
            run(lease);
            if (SAVEPOINTS) run(rel);
            if (++inTx == PER_TX) { run(commit); inTx = 0; }
            running[nrun++] = nextFlow++;
        }
        if (variant == 3 && claimedFrom < nextFlow) {
            /* The flows leased this round are read on the reader in one read transaction (the store's claim reads
               what it leased once the lease is committed; here the lease may still be in the open transaction,
               the work is the same), then a request each starts its first step. */
            run(rbegin);
            for (int g = claimedFrom; g < nextFlow; g++) readClaimed(g);
            run(rcommit);
            for (int g = claimedFrom; g < nextFlow; g++) {
                if (inTx == 0) run(begin);
                if (SAVEPOINTS) run(sp);
                startFirst(g, ++at);
                if (SAVEPOINTS) run(rel);
                if (++inTx == PER_TX) { run(commit); inTx = 0; }
            }
            claimedFrom = nextFlow;
        }
        for (int i = 0; i < nrun; i++) {
            if (inTx == 0) run(begin);
            if (SAVEPOINTS) run(sp);
            commitStep(running[i], ++at);
            if (SAVEPOINTS) run(rel);
            steps++;
            if (++inTx == PER_TX) { run(commit); inTx = 0; }
        }
        for (int i = 0; i < nrun;) {
            if (nextStep[running[i]] == STEPS) { running[i] = running[--nrun]; done++; } else i++;
        }
    }
    if (inTx) run(commit);
    double took = now() - t0, used = cpu() - c0;
    printf("%s, %d requests a transaction, %s, synchronous=%s: %ld steps of %d flows in %.0f ms: %.0f steps/s, %.1f us of CPU per step (SQLite %s)\n",
           v, PER_TX, SAVEPOINTS ? "savepoints" : "no savepoints", sync, steps, FLOWS, took * 1000, steps / took, used * 1e6 / steps, sqlite3_libversion());
    if (rdb) sqlite3_close_v2(rdb);
    sqlite3_close_v2(db);
    return 0;
}
