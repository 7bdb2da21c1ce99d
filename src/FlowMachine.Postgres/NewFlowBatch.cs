using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.CommitBatch;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// Many new flows as four multi-row statements (flow rows, specs, steps, history) instead of a few statements
/// per flow: a flow whose key is taken is not inserted, and its steps and history are left out with it. The
/// flow rows' statement returns the ids it inserted. For a batch of schedule firings, which start hundreds of
/// flows at once.
/// </summary>
internal static class NewFlowBatch
{
    private const string InsertFlowsSql =
        "INSERT INTO flows (" + FlowInsertColumns + ") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], " +
        "$6::int[], $7::text[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], " +
        "$17::int[], $18::int[], $19::bigint[], $20::bigint[], $21::bigint[], $22::text[], $23::bigint[], $24::text[], $25::bigint[], $26::int[], $27::text[], $28::bigint[]) " +
        "ON CONFLICT (key) DO NOTHING RETURNING id";

    // Content-addressed: a copy stored already (or by another flow of the batch) is the same text.
    private const string InsertSpecsSql =
        "INSERT INTO specs (hash, spec_json) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (hash) DO NOTHING";

    // Only for the flows inserted above (a flow whose key was taken does not exist under its new id).
    private const string InsertStepsSql =
        "INSERT INTO steps (" + StepColumns + ") SELECT x.* FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], " +
        "$6::text[], $7::text[], $8::text[], $9::int[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[], $14::text[], " +
        "$15::bigint[], $16::text[], $17::text[], $18::text[], $19::int[], $20::text[]) AS x(" + StepColumns + ") " +
        "WHERE EXISTS (SELECT 1 FROM flows f WHERE f.id = x.flow_id)" + StepUpsertTail;

    private const string InsertHistorySql =
        "INSERT INTO history (flow_id, seq, at, kind, step_key, detail) SELECT x.* FROM unnest($1::text[], $2::bigint[], $3::bigint[], " +
        "$4::text[], $5::text[], $6::text[]) AS x(flow_id, seq, at, kind, step_key, detail) WHERE EXISTS (SELECT 1 FROM flows f WHERE f.id = x.flow_id)";

    /// <summary>
    /// Adds the statements that insert <paramref name="flows"/> (none when there are none); the first one added
    /// returns the id of each flow inserted. Throws <see cref="ArgumentException"/> for a step or event of another flow.
    /// </summary>
    public static void Add(List<NpgsqlBatchCommand> batch, IReadOnlyList<NewFlow> flows)
    {
        if (flows.Count == 0)
        {
            return;
        }

        var steps = new List<StepRecord>();
        var history = new List<HistoryEvent>();
        var specs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var flow in flows)
        {
            var id = flow.Flow.Id;
            foreach (var step in flow.Steps)
            {
                RowOwnership.CheckStep(id, step);
            }

            foreach (var e in flow.History)
            {
                RowOwnership.CheckHistory(id, e);
                history.Add(e);
            }

            AddSteps(steps, flow.Steps);
            specs.TryAdd(SpecHash.Of(flow.Flow.SpecJson), flow.Flow.SpecJson);
        }

        batch.Add(InsertFlows(flows));
        var spec = new NpgsqlBatchCommand(InsertSpecsSql);
        spec.Parameters.Add(Array(NpgsqlDbType.Text, specs.Keys.ToArray()));
        spec.Parameters.Add(Array(NpgsqlDbType.Text, specs.Values.ToArray()));
        batch.Add(spec);
        if (steps.Count > 0)
        {
            batch.Add(UpsertSteps(steps, InsertStepsSql));
        }

        if (history.Count > 0)
        {
            batch.Add(InsertHistory(history, InsertHistorySql));
        }

        if (PostgresQueries.InsertTags(flows.Select(f => f.Flow)) is { } tags)
        {
            batch.Add(tags);
        }
    }

    private static NpgsqlBatchCommand InsertFlows(IReadOnlyList<NewFlow> flows)
    {
        var n = flows.Count;
        var text = new string?[14][];
        for (var c = 0; c < text.Length; c++)
        {
            text[c] = new string?[n];
        }

        var routineVersion = new int?[n];
        var position = new int[n];
        var parentChildIndex = new int[n];
        var generation = new int[n];
        var createdAt = new long[n];
        var updatedAt = new long[n];
        var nextRunAt = new long?[n];
        var leaseExpiresAt = new long?[n];
        var slot = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var f = flows[i].Flow;
            ArgumentException.ThrowIfNullOrEmpty(f.Id);
            (text[0][i], text[1][i], text[2][i], text[3][i], text[4][i]) = (f.Id, f.Key, f.Label, f.Owner, f.Routine);
            (text[5][i], text[6][i], text[7][i], text[8][i]) = (SpecHash.Of(f.SpecJson), f.State.ToName(), f.Input?.ToJsonString(), f.Data.ToJsonString());
            (text[9][i], text[10][i], text[11][i], text[12][i]) = (f.WaitReason, f.Result?.ToJsonString(), f.Error, f.ParentFlowId);
            (text[13][i], routineVersion[i], position[i]) = (f.ParentStepKey, f.RoutineVersion, f.Position);
            (parentChildIndex[i], generation[i], createdAt[i], updatedAt[i]) = (f.ParentChildIndex, f.Generation, Ms(f.CreatedAt), Ms(f.UpdatedAt));
            (nextRunAt[i], leaseExpiresAt[i], slot[i]) = (Ms(f.NextRunAt), Ms(f.LeaseExpiresAt), Ms(f.Slot));
        }

        var cmd = new NpgsqlBatchCommand(InsertFlowsSql);
        var p = cmd.Parameters;
        for (var c = 0; c < 5; c++)
        {
            p.Add(Array(NpgsqlDbType.Text, text[c])); // id, key, label, owner, routine
        }

        p.Add(Array(NpgsqlDbType.Integer, routineVersion));
        p.Add(Array(NpgsqlDbType.Text, text[5])); // spec_hash
        p.Add(Array(NpgsqlDbType.Text, text[6])); // state
        p.Add(Array(NpgsqlDbType.Integer, position));
        for (var c = 7; c < 14; c++)
        {
            p.Add(Array(NpgsqlDbType.Text, text[c])); // input, data, wait_reason, result, error, parent_flow_id, parent_step_key
        }

        p.Add(Array(NpgsqlDbType.Integer, parentChildIndex));
        p.Add(Array(NpgsqlDbType.Integer, generation));
        p.Add(Array(NpgsqlDbType.Bigint, createdAt));
        p.Add(Array(NpgsqlDbType.Bigint, updatedAt));
        p.Add(Array(NpgsqlDbType.Bigint, nextRunAt));
        p.Add(Array(NpgsqlDbType.Text, flows.Select(f => f.Flow.LeaseOwner).ToArray()));
        p.Add(Array(NpgsqlDbType.Bigint, leaseExpiresAt));
        p.Add(Array(NpgsqlDbType.Text, flows.Select(f => f.Flow.Schedule).ToArray()));
        p.Add(Array(NpgsqlDbType.Bigint, slot));
        p.Add(Array(NpgsqlDbType.Integer, flows.Select(f => f.Flow.Priority).ToArray()));
        p.Add(Array(NpgsqlDbType.Text, flows.Select(f => f.Flow.TraceParent).ToArray()));
        p.Add(Array(NpgsqlDbType.Bigint, flows.Select(f => Ms(f.Flow.Deadline)).ToArray()));
        return cmd;
    }
}
