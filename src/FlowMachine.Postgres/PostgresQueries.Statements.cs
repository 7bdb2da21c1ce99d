using System.Text.Json.Nodes;
using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FlowMachine.Postgres;

// The statement builders: batch commands that a write sends in one round trip.
internal static partial class PostgresQueries
{
    /// <summary>
    /// Statements that insert a flow with its steps and history unless its key is taken. The first
    /// statement's row count tells whether it was inserted.
    /// </summary>
    public static void AddInsertFlow(List<NpgsqlBatchCommand> batch, NewFlow flow)
    {
        var f = flow.Flow;
        var cmd = Command(InsertFlowSql);
        cmd.Parameters.Add(P("id", f.Id));
        cmd.Parameters.Add(P("key", f.Key));
        BindFlowColumns(cmd, f);
        cmd.Parameters.Add(P("data", Json(f.Data)));
        cmd.Parameters.Add(P("created_at", Ms(f.CreatedAt)));
        cmd.Parameters.Add(P("lease_owner", f.LeaseOwner));
        cmd.Parameters.Add(P("lease_expires_at", Ms(f.LeaseExpiresAt)));
        cmd.Parameters.Add(P("schedule", f.Schedule));
        cmd.Parameters.Add(P("slot", Ms(f.Slot)));
        cmd.Parameters.Add(P("priority", f.Priority));
        cmd.Parameters.Add(P("trace_parent", f.TraceParent));
        cmd.Parameters.Add(P("deadline", Ms(f.Deadline)));
        batch.Add(cmd);

        // Content-addressed: a copy stored by another flow (or left by one whose key was taken) is the same text.
        var spec = Command("INSERT INTO specs (hash, spec_json) VALUES (@hash, @spec_json) ON CONFLICT (hash) DO NOTHING");
        spec.Parameters.Add(P("hash", SpecHash.Of(f.SpecJson)));
        spec.Parameters.Add(P("spec_json", f.SpecJson));
        batch.Add(spec);

        // When the key was taken nothing of this flow exists, so these insert nothing either.
        if (InsertTags([f]) is { } tags)
        {
            batch.Add(tags);
        }

        if (flow.Steps.Count > 0)
        {
            // All of them in one statement (a step given twice: the last one wins, as one upsert after another would have it).
            var steps = new List<StepRecord>(flow.Steps.Count);
            foreach (var step in flow.Steps)
            {
                RowOwnership.CheckStep(f.Id, step);
            }

            CommitBatch.AddSteps(steps, flow.Steps);
            var insert = CommitBatch.UpsertSteps(steps, CommitBatch.InsertNewStepsSql);
            insert.Parameters.Add(P(Positional, f.Id));
            batch.Add(insert);
        }

        foreach (var e in flow.History)
        {
            batch.Add(HistoryCommand(f.Id, e, conditional: true));
        }
    }

    /// <summary>The lease-checked write of a transition's flow row.</summary>
    public static NpgsqlBatchCommand UpdateFlow(FlowRecord f, string leaseOwner, bool dataChanged, bool release)
    {
        var cmd = Command(UpdateFlowSql);
        var p = cmd.Parameters;
        p.Add(P(Positional, f.Id));
        p.Add(P(Positional, f.State.ToName()));
        p.Add(P(Positional, (int?)f.Position));
        p.Add(P(Positional, f.WaitReason));
        p.Add(P(Positional, Json(f.Result)));
        p.Add(P(Positional, f.Error));
        p.Add(P(Positional, (int?)f.Generation));
        p.Add(P(Positional, Ms(f.UpdatedAt)));
        p.Add(P(Positional, Ms(f.NextRunAt)));
        p.Add(P(Positional, dataChanged));
        p.Add(P(Positional, dataChanged ? Json(f.Data) : null));
        p.Add(P(Positional, release));
        p.Add(P(Positional, leaseOwner));
        p.Add(P(Positional, Ms(f.Deadline)));
        return cmd;
    }

    private static void BindFlowColumns(NpgsqlBatchCommand cmd, FlowRecord f)
    {
        var p = cmd.Parameters;
        p.Add(P("label", f.Label));
        p.Add(P("owner", f.Owner));
        p.Add(P("routine", f.Routine));
        p.Add(P("routine_version", f.RoutineVersion));
        p.Add(P("spec_hash", SpecHash.Of(f.SpecJson)));
        p.Add(P("state", f.State.ToName()));
        p.Add(P("position", (int?)f.Position));
        p.Add(P("input", Json(f.Input)));
        p.Add(P("wait_reason", f.WaitReason));
        p.Add(P("result", Json(f.Result)));
        p.Add(P("error", f.Error));
        p.Add(P("parent_flow_id", f.ParentFlowId));
        p.Add(P("parent_step_key", f.ParentStepKey));
        p.Add(P("parent_child_index", (int?)f.ParentChildIndex));
        p.Add(P("generation", (int?)f.Generation));
        p.Add(P("updated_at", Ms(f.UpdatedAt)));
        p.Add(P("next_run_at", Ms(f.NextRunAt)));
    }

    public static NpgsqlBatchCommand UpsertStep(string flowId, StepRecord s) =>
        StepCommand(flowId, s, "INSERT INTO steps (" + StepColumns + ") VALUES (" + StepValues + ")" + StepUpsertTail);

    private static NpgsqlBatchCommand StepCommand(string flowId, StepRecord s, string sql)
    {
        RowOwnership.CheckStep(flowId, s);
        var cmd = Command(sql);
        var p = cmd.Parameters;
        p.Add(P(Positional, flowId));
        p.Add(P(Positional, (int?)s.Index));
        p.Add(P(Positional, s.Key));
        p.Add(P(Positional, s.TaskType));
        p.Add(P(Positional, s.State.ToName()));
        p.Add(P(Positional, Json(s.Result)));
        p.Add(P(Positional, s.Error));
        p.Add(P(Positional, s.ErrorDetail));
        p.Add(P(Positional, (int?)s.Attempts));
        p.Add(P(Positional, Ms(s.StartedAt)));
        p.Add(P(Positional, Ms(s.FinishedAt)));
        p.Add(P(Positional, Ms(s.NotBefore)));
        p.Add(P(Positional, s.WaitReason));
        p.Add(P(Positional, s.WaitEvent));
        p.Add(P(Positional, Ms(s.WaitUntil)));
        p.Add(P(Positional, s.ResumeToken));
        p.Add(P(Positional, Json(s.ParamOverrides)));
        p.Add(P(Positional, Json(s.Spawn)));
        p.Add(P(Positional, (int?)s.Recoveries));
        p.Add(P(Positional, s.WaitKey));
        return cmd;
    }

    public static NpgsqlBatchCommand HistoryCommand(string flowId, HistoryEvent e, bool conditional = false)
    {
        RowOwnership.CheckHistory(flowId, e);
        var cmd = Command(conditional
            ? "INSERT INTO history (flow_id, seq, at, kind, step_key, detail) SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM flows WHERE id = $1)"
            : "INSERT INTO history (flow_id, seq, at, kind, step_key, detail) VALUES ($1, $2, $3, $4, $5, $6)");
        var p = cmd.Parameters;
        p.Add(P(Positional, flowId));
        p.Add(P(Positional, (long?)e.Seq));
        p.Add(P(Positional, Ms(e.At)));
        p.Add(P(Positional, e.Kind));
        p.Add(P(Positional, e.StepKey));
        p.Add(P(Positional, Json(e.Detail)));
        return cmd;
    }

    /// <summary>Makes the flow due at <paramref name="at"/> (unless due earlier) and queues a command, only if the flow exists.</summary>
    public static NpgsqlBatchCommand EnqueueCommand(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset at)
    {
        var cmd = Command("WITH t AS (" + MakeDueSql + " RETURNING id) " +
            "INSERT INTO commands (flow_id, kind, step_key, payload, actor, at) SELECT t.id, @kind, @step_key, @payload, @actor, @at FROM t");
        var p = cmd.Parameters;
        p.Add(P("id", flowId));
        p.Add(P("at", Ms(at)));
        p.Add(P("kind", kind));
        p.Add(P("step_key", stepKey));
        p.Add(P("payload", Json(payload)));
        p.Add(P("actor", actor));
        return cmd;
    }

    /// <summary>Makes the flow due at <paramref name="at"/> and adds an event, only if the flow exists.</summary>
    public static NpgsqlBatchCommand AddEvent(string flowId, string name, JsonNode? value, DateTimeOffset at)
    {
        var cmd = Command("WITH t AS (" + MakeDueSql + " RETURNING id) " +
            "INSERT INTO events (flow_id, name, value, at) SELECT t.id, @name, @value, @at FROM t");
        var p = cmd.Parameters;
        p.Add(P("id", flowId));
        p.Add(P("at", Ms(at)));
        p.Add(P("name", name));
        p.Add(P("value", Json(value)));
        return cmd;
    }

    /// <summary>On release: due again when commands wait or events newer than the engine has seen came in.</summary>
    public static NpgsqlBatchCommand DueAgainIfInputWaits(string flowId, long knownEventId, DateTimeOffset at)
    {
        var cmd = Command(MakeDueSql + " AND (EXISTS (SELECT 1 FROM commands WHERE flow_id = @id) " +
            "OR EXISTS (SELECT 1 FROM events WHERE flow_id = @id AND id > @known))");
        cmd.Parameters.Add(P("id", flowId));
        cmd.Parameters.Add(P("at", Ms(at)));
        cmd.Parameters.Add(P("known", (long?)knownEventId));
        return cmd;
    }

    /// <summary>On release for another pool: the flow's route, unless input waits (then any worker applies it first).</summary>
    public static NpgsqlBatchCommand SetRouteUnlessInputWaits(string flowId, string route, DateTimeOffset? deadline, long knownEventId)
    {
        var cmd = Command("UPDATE flows SET route = @route, route_deadline = @deadline WHERE id = @id AND NOT EXISTS (SELECT 1 FROM commands WHERE flow_id = @id) " +
            "AND NOT EXISTS (SELECT 1 FROM events WHERE flow_id = @id AND id > @known)");
        cmd.Parameters.Add(P("id", flowId));
        cmd.Parameters.Add(P("route", route));
        cmd.Parameters.Add(P("deadline", (long?)(deadline is { } d ? Ms(d) : null)));
        cmd.Parameters.Add(P("known", (long?)knownEventId));
        return cmd;
    }

    public static NpgsqlBatchCommand DeleteCommands(string flowId, IReadOnlyList<long> ids)
    {
        var cmd = Command("DELETE FROM commands WHERE flow_id = @flow_id AND id = ANY(@ids)");
        cmd.Parameters.Add(P("flow_id", flowId));
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ids.ToArray() });
        return cmd;
    }

    public static NpgsqlBatchCommand DeleteEvents(string flowId, IReadOnlyList<long> ids)
    {
        var cmd = Command("DELETE FROM events WHERE flow_id = @flow_id AND id = ANY(@ids)");
        cmd.Parameters.Add(P("flow_id", flowId));
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ids.ToArray() });
        return cmd;
    }

    /// <summary>A row whose one column <c>has_commands</c> says whether commands wait for the flow.</summary>
    public static NpgsqlBatchCommand HasCommands(string flowId)
    {
        var cmd = Command("SELECT EXISTS (SELECT 1 FROM commands WHERE flow_id = $1) AS has_commands");
        cmd.Parameters.Add(P(Positional, flowId));
        return cmd;
    }

    /// <summary>Wakes listeners in every process once the transaction commits (duplicates in one transaction fold into one).</summary>
    public static NpgsqlBatchCommand Notify(string channel, string? onlyIfDueFlowId = null)
    {
        var cmd = Command(onlyIfDueFlowId is null
            ? "SELECT pg_notify(@channel, '')"
            : "SELECT pg_notify(@channel, '') FROM flows WHERE id = @id AND next_run_at IS NOT NULL");
        cmd.Parameters.Add(P("channel", channel));
        if (onlyIfDueFlowId is not null)
        {
            cmd.Parameters.Add(P("id", onlyIfDueFlowId));
        }

        return cmd;
    }
}
