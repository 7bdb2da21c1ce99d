using FlowMachine.Storage;
using Microsoft.Data.Sqlite;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Sqlite;

// Reads: rows to records, on the writer (inside its transaction) or a reader.
internal static partial class SqliteQueries
{
    public static FlowRecord? LoadFlow(SqliteCommandCache db, string id)
    {
        var cmd = db.Get("SELECT " + FlowColumns + " FROM flows WHERE id = @id");
        Add(cmd, "@id", id);
        return ReadFlows(db, cmd).FirstOrDefault();
    }

    public static FlowRecord? LoadFlowByKey(SqliteCommandCache db, string key)
    {
        var cmd = db.Get("SELECT " + FlowColumns + " FROM flows WHERE key = @key");
        Add(cmd, "@key", key);
        return ReadFlows(db, cmd).FirstOrDefault();
    }

    /// <summary>Reads the flows a query returns, each with its spec (kept apart, in the specs table).</summary>
    public static List<FlowRecord> ReadFlows(SqliteCommandCache db, SqliteCommand cmd)
    {
        var list = new List<FlowRecord>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(ReadFlow(r));
            }
        }

        foreach (var flow in list)
        {
            flow.SpecJson = SqliteSpecs.Load(db, flow.Id, flow.SpecJson);
        }

        return list;
    }

    /// <summary>A claimed flow: the leased row plus steps, commands, events and the last history seq.</summary>
    public static ClaimedFlow LoadClaim(SqliteCommandCache db, FlowRecord flow)
    {
        // The last seq, and whether the flow has commands and events at all: most have none, and need no query
        // of their own for them (the claim reads in one read transaction, so what it finds stays as found).
        var seq = db.Get(
            "SELECT COALESCE((SELECT MAX(seq) FROM history WHERE flow_id = @id), 0), " +
            "EXISTS (SELECT 1 FROM commands WHERE flow_id = @id), EXISTS (SELECT 1 FROM events WHERE flow_id = @id)");
        Add(seq, "@id", flow.Id);
        long lastSeq;
        bool hasCommands, hasEvents;
        using (var r = seq.ExecuteReader())
        {
            r.Read();
            (lastSeq, hasCommands, hasEvents) = (r.GetInt64(0), r.GetInt64(1) != 0, r.GetInt64(2) != 0);
        }

        return new ClaimedFlow(flow, LoadSteps(db, flow.Id), hasCommands ? LoadCommands(db, flow.Id) : [], hasEvents ? LoadEvents(db, flow.Id) : [], lastSeq);
    }

    /// <summary>The flow's steps; <paramref name="withProgress"/> reads their progress too (the query role; claims do without).</summary>
    public static List<StepRecord> LoadSteps(SqliteCommandCache db, string flowId, bool withProgress = false)
    {
        var cmd = db.Get(withProgress
            ? "SELECT " + StepColumns + Storage.Relational.RelationalSql.ProgressColumns + " FROM steps WHERE flow_id = @id ORDER BY idx, key"
            : "SELECT " + StepColumns + " FROM steps WHERE flow_id = @id ORDER BY idx, key");
        Add(cmd, "@id", flowId);
        var list = new List<StepRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(withProgress ? ReadStepWithProgress(r) : ReadStep(r));
        }

        return list;
    }

    public static List<FlowCommand> LoadCommands(SqliteCommandCache db, string flowId)
    {
        var cmd = db.Get("SELECT id, flow_id, kind, step_key, payload, actor, at FROM commands WHERE flow_id = @id ORDER BY id");
        Add(cmd, "@id", flowId);
        var list = new List<FlowCommand>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadCommand(r));
        }

        return list;
    }

    public static List<FlowEvent> LoadEvents(SqliteCommandCache db, string flowId)
    {
        var cmd = db.Get("SELECT " + Storage.Relational.RelationalSql.EventColumns + " FROM events WHERE flow_id = @id ORDER BY id");
        Add(cmd, "@id", flowId);
        var list = new List<FlowEvent>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadEvent(r));
        }

        return list;
    }

    public static List<RoutineRecord> ReadRoutines(SqliteCommand cmd)
    {
        var list = new List<RoutineRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadRoutine(r));
        }

        return list;
    }
}
