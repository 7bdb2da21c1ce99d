using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Npgsql;

namespace FlowMachine.Postgres;

// The readers: rows to records.
internal static partial class PostgresQueries
{
    public static FlowRecord ReadFlow(NpgsqlDataReader r)
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
            SpecJson = r.GetString(6),
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

    public static StepRecord ReadStep(NpgsqlDataReader r) => new()
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
    };

    public static HistoryEvent ReadHistory(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), Time(r.GetInt64(2)), r.GetString(3), Str(r, 4), ParseJson(r, 5));

    public static FlowCommand ReadCommand(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), ParseJson(r, 4), Str(r, 5), Time(r.GetInt64(6)));

    public static FlowEvent ReadEvent(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), ParseJson(r, 3), Time(r.GetInt64(4)));

    public static RoutineRecord ReadRoutine(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetInt32(1), r.GetString(2), Str(r, 3), Time(r.GetInt64(4)));
}
