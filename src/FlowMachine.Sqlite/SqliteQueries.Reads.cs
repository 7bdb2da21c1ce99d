using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Microsoft.Data.Sqlite;

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

    private static FlowRecord ReadFlow(SqliteDataReader r)
    {
        if (!StateNames.TryParseFlowState(r.GetString(7), out var state))
        {
            throw new InvalidDataException($"Flow '{r.GetString(0)}' has an unknown state '{r.GetString(7)}' in the database.");
        }

        return new FlowRecord
        {
            Id = r.GetString(0),
            Key = Str(r, 1),
            Label = Str(r, 2),
            Owner = Str(r, 3),
            Routine = Str(r, 4),
            RoutineVersion = r.IsDBNull(5) ? null : r.GetInt32(5),
            SpecJson = r.GetString(6), // the spec's hash until ReadFlows looks the spec up
            State = state,
            Position = r.GetInt32(8),
            Input = ParseJson(r, 9),
            Data = ParseJson(r, 10) as JsonObject ?? [],
            WaitReason = Str(r, 11),
            Result = ParseJson(r, 12),
            Error = Str(r, 13),
            ParentFlowId = Str(r, 14),
            ParentStepKey = Str(r, 15),
            ParentChildIndex = r.GetInt32(16),
            Generation = r.GetInt32(17),
            CreatedAt = Time(r.GetInt64(18)),
            UpdatedAt = Time(r.GetInt64(19)),
            NextRunAt = Time(r, 20),
            LeaseOwner = Str(r, 21),
            LeaseExpiresAt = Time(r, 22),
        };
    }

    /// <summary>A claimed flow: the leased row plus steps, commands, events and the last history seq.</summary>
    public static ClaimedFlow LoadClaim(SqliteCommandCache db, FlowRecord flow)
    {
        var seq = db.Get("SELECT COALESCE(MAX(seq), 0) FROM history WHERE flow_id = @id");
        Add(seq, "@id", flow.Id);
        var lastSeq = (long)seq.ExecuteScalar()!;
        return new ClaimedFlow(flow, LoadSteps(db, flow.Id), LoadCommands(db, flow.Id), LoadEvents(db, flow.Id), lastSeq);
    }

    public static List<StepRecord> LoadSteps(SqliteCommandCache db, string flowId)
    {
        var cmd = db.Get("SELECT " + StepColumns + " FROM steps WHERE flow_id = @id ORDER BY idx, key");
        Add(cmd, "@id", flowId);
        var list = new List<StepRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new StepRecord
            {
                FlowId = r.GetString(0),
                Index = r.GetInt32(1),
                Key = r.GetString(2),
                TaskType = r.GetString(3),
                State = StateNames.ParseStepState(r.GetString(4)),
                Result = ParseJson(r, 5),
                Error = Str(r, 6),
                ErrorDetail = Str(r, 7),
                Attempts = r.GetInt32(8),
                StartedAt = Time(r, 9),
                FinishedAt = Time(r, 10),
                NotBefore = Time(r, 11),
                WaitReason = Str(r, 12),
                WaitEvent = Str(r, 13),
                WaitUntil = Time(r, 14),
                ResumeToken = Str(r, 15),
                ParamOverrides = ParseJson(r, 16) as JsonObject,
                Spawn = ParseJson(r, 17) as JsonObject,
            });
        }

        return list;
    }

    public static List<HistoryEvent> LoadHistory(SqliteCommandCache db, string flowId, long afterSeq, int limit)
    {
        var cmd = db.Get("SELECT flow_id, seq, at, kind, step_key, detail FROM history WHERE flow_id = @id AND seq > @after ORDER BY seq LIMIT @limit");
        Add(cmd, "@id", flowId);
        Add(cmd, "@after", afterSeq);
        Add(cmd, "@limit", limit);
        var list = new List<HistoryEvent>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new HistoryEvent(r.GetString(0), r.GetInt64(1), Time(r.GetInt64(2)), r.GetString(3), Str(r, 4), ParseJson(r, 5)));
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
            list.Add(new FlowCommand(r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), ParseJson(r, 4), Str(r, 5), Time(r.GetInt64(6))));
        }

        return list;
    }

    public static List<FlowEvent> LoadEvents(SqliteCommandCache db, string flowId)
    {
        var cmd = db.Get("SELECT id, flow_id, name, value, at FROM events WHERE flow_id = @id ORDER BY id");
        Add(cmd, "@id", flowId);
        var list = new List<FlowEvent>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new FlowEvent(r.GetInt64(0), r.GetString(1), r.GetString(2), ParseJson(r, 3), Time(r.GetInt64(4))));
        }

        return list;
    }

    public static List<RoutineRecord> ReadRoutines(SqliteCommand cmd)
    {
        var list = new List<RoutineRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new RoutineRecord(r.GetString(0), r.GetInt32(1), r.GetString(2), Str(r, 3), Time(r.GetInt64(4))));
        }

        return list;
    }
}
