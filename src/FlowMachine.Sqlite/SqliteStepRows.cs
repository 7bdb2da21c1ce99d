using System.Globalization;
using System.Text;
using FlowMachine.Storage;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

/// <summary>
/// Writes step rows several to a statement: a step's commit writes two (the step that finished and the one it
/// starts), a new flow one per step. Each statement run costs its own setup, cursor and calls into SQLite,
/// whatever its rows; VALUES with several rows pays that once and inserts (or upserts) them in order, as
/// that many single-row statements would.
/// </summary>
internal static class SqliteStepRows
{
    // The parameters of one row, in StepColumns order; the largest statement holds this many rows.
    private const int Columns = 20;
    private const int MaxRows = 10;

    private const string UpsertTail =
        " ON CONFLICT (flow_id, key) DO UPDATE SET idx = excluded.idx, task_type = excluded.task_type, state = excluded.state, " +
        "result = excluded.result, error = excluded.error, error_detail = excluded.error_detail, attempts = excluded.attempts, " +
        "started_at = excluded.started_at, finished_at = excluded.finished_at, not_before = excluded.not_before, " +
        "wait_reason = excluded.wait_reason, wait_event = excluded.wait_event, wait_until = excluded.wait_until, " +
        "resume_token = excluded.resume_token, param_overrides = excluded.param_overrides, spawn = excluded.spawn, recoveries = excluded.recoveries, " +
        "wait_key = excluded.wait_key";

    // By rows - 1. Interned: the command cache finds a statement's SQL by reference, without hashing its text.
    private static readonly string[] InsertSql = Statements(string.Empty);
    private static readonly string[] UpsertSql = Statements(UpsertTail);

    /// <summary>Inserts a new flow's steps.</summary>
    public static void Insert(SqliteCommandCache db, string flowId, IReadOnlyList<StepRecord> steps) => Write(db, InsertSql, flowId, steps);

    /// <summary>Inserts the steps, or updates those the flow has already.</summary>
    public static void Upsert(SqliteCommandCache db, string flowId, IReadOnlyList<StepRecord> steps) => Write(db, UpsertSql, flowId, steps);

    private static void Write(SqliteCommandCache db, string[] sql, string flowId, IReadOnlyList<StepRecord> steps)
    {
        for (var start = 0; start < steps.Count; start += MaxRows)
        {
            var rows = Math.Min(MaxRows, steps.Count - start);
            for (var i = 0; i < rows; i++)
            {
                RowOwnership.CheckStep(flowId, steps[start + i]);
            }

            var statement = db.Prepared(sql[rows - 1]);
            for (var i = 0; i < rows; i++)
            {
                Bind(statement, i * Columns, flowId, steps[start + i]);
            }

            statement.Execute();
        }
    }

    private static void Bind(SqliteStatement statement, int at, string flowId, StepRecord s) =>
        statement
            .Text(at + 1, flowId)
            .Int(at + 2, s.Index)
            .Text(at + 3, s.Key)
            .Text(at + 4, s.TaskType)
            .Text(at + 5, s.State.ToName())
            .Text(at + 6, Json(s.Result))
            .Text(at + 7, s.Error)
            .Text(at + 8, s.ErrorDetail)
            .Int(at + 9, s.Attempts)
            .Int(at + 10, Ms(s.StartedAt))
            .Int(at + 11, Ms(s.FinishedAt))
            .Int(at + 12, Ms(s.NotBefore))
            .Text(at + 13, s.WaitReason)
            .Text(at + 14, s.WaitEvent)
            .Int(at + 15, Ms(s.WaitUntil))
            .Text(at + 16, s.ResumeToken)
            .Text(at + 17, Json(s.ParamOverrides))
            .Text(at + 18, Json(s.Spawn))
            .Int(at + 19, s.Recoveries)
            .Text(at + 20, s.WaitKey);

    private static string[] Statements(string tail)
    {
        var all = new string[MaxRows];
        var sql = new StringBuilder("INSERT INTO steps (" + StepColumns + ") VALUES ");
        for (var rows = 1; rows <= MaxRows; rows++)
        {
            sql.Append(rows > 1 ? ", (" : "(");
            for (var c = 1; c <= Columns; c++)
            {
                sql.Append(CultureInfo.InvariantCulture, $"{(c > 1 ? ", " : string.Empty)}?{((rows - 1) * Columns) + c}");
            }

            sql.Append(')');
            all[rows - 1] = string.Intern(sql + tail);
        }

        return all;
    }
}
