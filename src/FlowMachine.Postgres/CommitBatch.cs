using FlowMachine.Storage;
using Npgsql;
using NpgsqlTypes;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

/// <summary>
/// Many transitions as a few multi-row statements: one UPDATE of every flow row, one upsert of every
/// step, one INSERT of every history event and one read of waiting commands, whatever the number of
/// transitions. Their rarer parts (children, commands for other flows, consumed input, releases) follow
/// as statements of their own. PostgreSQL then plans, locks and checks once per batch instead of once
/// per statement per transition. The whole batch holds or fails as one: the committer falls back to one
/// savepoint per transition to find which one failed.
/// </summary>
internal static class CommitBatch
{
    // The lease check is in the join: a flow whose lease another worker holds is not updated, the count
    // falls short, and check_lease stops the batch.
    private const string UpdateFlowsSql =
        "WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bool[], $6::text[], $7::text[], $8::text[], " +
        "$9::text[], $10::int[], $11::bigint[], $12::bigint[], $13::bool[], $15::bigint[]) AS v(id, lease_owner, state, position, data_changed, data, " +
        "wait_reason, result, error, generation, updated_at, next_run_at, release, deadline)), " +
        "u AS (UPDATE flows f SET state = v.state, position = v.position, data = CASE WHEN v.data_changed THEN v.data ELSE f.data END, " +
        "wait_reason = v.wait_reason, result = v.result, error = v.error, generation = v.generation, updated_at = v.updated_at, " +
        "next_run_at = v.next_run_at, deadline = v.deadline, lease_owner = CASE WHEN v.release THEN NULL ELSE f.lease_owner END, " +
        "lease_expires_at = CASE WHEN v.release THEN NULL ELSE f.lease_expires_at END " +
        "FROM v WHERE f.id = v.id AND f.lease_owner = v.lease_owner RETURNING 1) " +
        "SELECT check_lease(CASE WHEN (SELECT count(*) FROM u) = $14 THEN 1 ELSE 0 END, 'of this batch')";

    private const string StepArrays =
        "INSERT INTO steps (" + StepColumns + ") SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], " +
        "$6::text[], $7::text[], $8::text[], $9::int[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[], $14::text[], " +
        "$15::bigint[], $16::text[], $17::text[], $18::text[], $19::int[], $20::text[])";

    private const string UpsertStepsSql = StepArrays + StepUpsertTail;

    /// <summary>
    /// A new flow's steps in one statement, only if the flow's row exists ($21: its id, one primary-key
    /// lookup whatever the plan): when its key was taken nothing of it is written.
    /// </summary>
    public const string InsertNewStepsSql = StepArrays + " WHERE EXISTS (SELECT 1 FROM flows WHERE id = $21)" + StepUpsertTail;

    private const string InsertHistorySql =
        "INSERT INTO history (flow_id, seq, at, kind, step_key, detail) " +
        "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[])";

    // Also index lookups only (PostgresQueries.IndexPlansSql says why), then back to the defaults.
    private const string CustomPlansSql =
        "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('enable_seqscan', 'off', true), " +
        "set_config('enable_bitmapscan', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)";

    private const string CachedPlansSql =
        "SELECT set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'on', true), " +
        "set_config('enable_bitmapscan', 'on', true), set_config('enable_hashjoin', 'on', true), set_config('enable_mergejoin', 'on', true)";

    /// <summary>The name of the column that says whether commands wait for a transition's flow.</summary>
    public const string HasCommandsColumn = "has_commands_of";

    private const string HasCommandsSql =
        "SELECT v.i, EXISTS (SELECT 1 FROM commands c WHERE c.flow_id = v.id) AS " + HasCommandsColumn +
        " FROM unnest($1::text[]) WITH ORDINALITY AS v(id, i)";

    /// <summary>
    /// True when the transitions can go as one: one per flow (an UPDATE ... FROM touches a row once).
    /// </summary>
    public static bool Fits(IReadOnlyList<FlowTransition> transitions)
    {
        var ids = new HashSet<string>(transitions.Count, StringComparer.Ordinal);
        foreach (var t in transitions)
        {
            if (!ids.Add(t.Flow.Id))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when a transition carries a step or event of another flow,
    /// as the one-by-one statements do.
    /// </summary>
    public static void Validate(FlowTransition t)
    {
        foreach (var s in t.Steps)
        {
            RowOwnership.CheckStep(t.Flow.Id, s);
        }

        foreach (var e in t.History)
        {
            RowOwnership.CheckHistory(t.Flow.Id, e);
        }
    }

    /// <summary>
    /// Every statement of the batch, in this order: the limit keys' locks, flow rows, steps, history, the slots the
    /// batch frees, each transition's rarer parts, the slots and tokens taken (rows per take), then one row per
    /// transition: its 1-based position and whether commands wait for its flow.
    /// Throws <see cref="ArgumentException"/> for a row that belongs to another flow.
    /// </summary>
    public static NpgsqlBatch Build(IReadOnlyList<FlowTransition> transitions, string channel)
    {
        var batch = new NpgsqlBatch();
        if (PostgresLimitTakes.Lock(transitions) is { } locks)
        {
            batch.BatchCommands.Add(locks); // the limit keys' advisory locks first, in one order for every process
        }

        if (PostgresKeyedWaits.Apply(transitions) is { } keyed)
        {
            batch.BatchCommands.Add(keyed); // its advisory locks before any row lock
        }

        // The two statements that join the arrays to a table are planned for the arrays at hand each time: a
        // plan kept from when the tables were small would scan them whole. The rest keep their cached plans.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CustomPlansSql));
        batch.BatchCommands.Add(UpdateFlows(transitions));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CachedPlansSql));

        var steps = new List<StepRecord>();
        var history = new List<HistoryEvent>();
        foreach (var t in transitions)
        {
            Validate(t);
            AddSteps(steps, t.Steps);
            foreach (var e in t.History)
            {
                history.Add(e);
            }
        }

        if (steps.Count > 0)
        {
            batch.BatchCommands.Add(UpsertSteps(steps));
        }

        if (history.Count > 0)
        {
            batch.BatchCommands.Add(InsertHistory(history));
        }

        var extras = new List<NpgsqlBatchCommand>();
        PostgresLimits.AddReleases(extras, transitions, channel); // the batch's freed slots first: its rechecks and takes see them
        foreach (var t in transitions)
        {
            AddRarerParts(extras, t, channel);
            PostgresLimits.AddRecheck(extras, t, channel);
        }

        PostgresLimitTakes.AddTakes(extras, transitions, channel); // after the slots the batch frees
        foreach (var command in extras)
        {
            batch.BatchCommands.Add(command);
        }

        var ids = new string[transitions.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = transitions[i].Flow.Id;
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(CustomPlansSql));
        var has = new NpgsqlBatchCommand(HasCommandsSql);
        has.Parameters.Add(Array(NpgsqlDbType.Text, ids));
        batch.BatchCommands.Add(has);
        return batch;
    }

    /// <summary>
    /// The steps of one transition, a step given twice counted once (the last one wins), as the
    /// one-by-one upserts do.
    /// </summary>
    public static void AddSteps(List<StepRecord> into, IReadOnlyList<StepRecord> steps)
    {
        var from = into.Count;
        foreach (var step in steps)
        {
            var replaced = false;
            for (var i = from; i < into.Count; i++)
            {
                if (string.Equals(into[i].Key, step.Key, StringComparison.Ordinal))
                {
                    into[i] = step;
                    replaced = true;
                    break;
                }
            }

            if (!replaced)
            {
                into.Add(step);
            }
        }
    }

    /// <summary>What a transition writes besides its flow row, steps and history.</summary>
    public static void AddRarerParts(List<NpgsqlBatchCommand> commands, FlowTransition t, string channel)
    {
        var flowId = t.Flow.Id;
        if (UpsertAttributes(flowId, t.Attributes) is { } attributes)
        {
            commands.Add(attributes);
        }

        if (t.ConsumedCommands.Count > 0)
        {
            commands.Add(DeleteCommands(flowId, t.ConsumedCommands));
        }

        if (t.ConsumedEvents.Count > 0)
        {
            commands.Add(DeleteEvents(flowId, t.ConsumedEvents));
        }

        foreach (var child in t.NewFlows)
        {
            // Like CreateFlowAsync: a child whose key is taken is not created again.
            AddInsertFlow(commands, child);
        }

        var at = t.Flow.UpdatedAt;
        foreach (var command in t.Commands)
        {
            // A command for a flow that does not exist has no one to tell; it is dropped.
            commands.Add(EnqueueCommand(command.FlowId, command.Kind, command.StepKey, command.Payload, null, at));
        }

        if (t.Release)
        {
            commands.Add(DueAgainIfInputWaits(flowId, t.KnownEventId, at));
            if (t.Flow.Route is { } route)
            {
                commands.Add(SetRouteUnlessInputWaits(flowId, route, t.Flow.RouteDeadline, t.KnownEventId));
            }
        }

        if (t.NewFlows.Count > 0 || t.Commands.Count > 0)
        {
            commands.Add(Notify(channel));
        }
        else if (t.Release)
        {
            // Let go of a flow that is still due (stopping, a retry, input that came in): another process may take it.
            commands.Add(Notify(channel, onlyIfDueFlowId: flowId));
        }
    }

    private static NpgsqlBatchCommand UpdateFlows(IReadOnlyList<FlowTransition> transitions)
    {
        var n = transitions.Count;
        var id = new string[n];
        var leaseOwner = new string[n];
        var state = new string[n];
        var position = new int[n];
        var dataChanged = new bool[n];
        var data = new string?[n];
        var waitReason = new string?[n];
        var result = new string?[n];
        var error = new string?[n];
        var generation = new int[n];
        var updatedAt = new long[n];
        var nextRunAt = new long?[n];
        var release = new bool[n];
        var deadline = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var t = transitions[i];
            var f = t.Flow;
            id[i] = f.Id;
            leaseOwner[i] = t.LeaseOwner;
            state[i] = f.State.ToName();
            position[i] = f.Position;
            dataChanged[i] = t.DataChanged;
            data[i] = t.DataChanged ? f.Data.ToJsonString() : null;
            waitReason[i] = f.WaitReason;
            result[i] = f.Result?.ToJsonString();
            error[i] = f.Error;
            generation[i] = f.Generation;
            updatedAt[i] = Ms(f.UpdatedAt);
            nextRunAt[i] = Ms(f.NextRunAt);
            release[i] = t.Release;
            deadline[i] = Ms(f.Deadline);
        }

        var cmd = new NpgsqlBatchCommand(UpdateFlowsSql);
        var p = cmd.Parameters;
        p.Add(Array(NpgsqlDbType.Text, id));
        p.Add(Array(NpgsqlDbType.Text, leaseOwner));
        p.Add(Array(NpgsqlDbType.Text, state));
        p.Add(Array(NpgsqlDbType.Integer, position));
        p.Add(Array(NpgsqlDbType.Boolean, dataChanged));
        p.Add(Array(NpgsqlDbType.Text, data));
        p.Add(Array(NpgsqlDbType.Text, waitReason));
        p.Add(Array(NpgsqlDbType.Text, result));
        p.Add(Array(NpgsqlDbType.Text, error));
        p.Add(Array(NpgsqlDbType.Integer, generation));
        p.Add(Array(NpgsqlDbType.Bigint, updatedAt));
        p.Add(Array(NpgsqlDbType.Bigint, nextRunAt));
        p.Add(Array(NpgsqlDbType.Boolean, release));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (long)n });
        p.Add(Array(NpgsqlDbType.Bigint, deadline));
        return cmd;
    }

    /// <summary>The steps as one multi-row statement: <paramref name="sql"/> takes them as 20 arrays in the order of <see cref="PostgresQueries.StepColumns"/>.</summary>
    public static NpgsqlBatchCommand UpsertSteps(List<StepRecord> steps, string sql = UpsertStepsSql)
    {
        var n = steps.Count;
        var flowId = new string[n];
        var idx = new int[n];
        var key = new string[n];
        var taskType = new string[n];
        var state = new string[n];
        var result = new string?[n];
        var error = new string?[n];
        var errorDetail = new string?[n];
        var attempts = new int[n];
        var startedAt = new long?[n];
        var finishedAt = new long?[n];
        var notBefore = new long?[n];
        var waitReason = new string?[n];
        var waitEvent = new string?[n];
        var waitUntil = new long?[n];
        var resumeToken = new string?[n];
        var paramOverrides = new string?[n];
        var spawn = new string?[n];
        var recoveries = new int[n];
        var waitKey = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var s = steps[i];
            flowId[i] = s.FlowId;
            idx[i] = s.Index;
            key[i] = s.Key;
            taskType[i] = s.TaskType;
            state[i] = s.State.ToName();
            result[i] = s.Result?.ToJsonString();
            error[i] = s.Error;
            errorDetail[i] = s.ErrorDetail;
            attempts[i] = s.Attempts;
            startedAt[i] = Ms(s.StartedAt);
            finishedAt[i] = Ms(s.FinishedAt);
            notBefore[i] = Ms(s.NotBefore);
            waitReason[i] = s.WaitReason;
            waitEvent[i] = s.WaitEvent;
            waitUntil[i] = Ms(s.WaitUntil);
            resumeToken[i] = s.ResumeToken;
            paramOverrides[i] = s.ParamOverrides?.ToJsonString();
            spawn[i] = s.Spawn?.ToJsonString();
            recoveries[i] = s.Recoveries;
            waitKey[i] = s.WaitKey;
        }

        var cmd = new NpgsqlBatchCommand(sql);
        var p = cmd.Parameters;
        p.Add(Array(NpgsqlDbType.Text, flowId));
        p.Add(Array(NpgsqlDbType.Integer, idx));
        p.Add(Array(NpgsqlDbType.Text, key));
        p.Add(Array(NpgsqlDbType.Text, taskType));
        p.Add(Array(NpgsqlDbType.Text, state));
        p.Add(Array(NpgsqlDbType.Text, result));
        p.Add(Array(NpgsqlDbType.Text, error));
        p.Add(Array(NpgsqlDbType.Text, errorDetail));
        p.Add(Array(NpgsqlDbType.Integer, attempts));
        p.Add(Array(NpgsqlDbType.Bigint, startedAt));
        p.Add(Array(NpgsqlDbType.Bigint, finishedAt));
        p.Add(Array(NpgsqlDbType.Bigint, notBefore));
        p.Add(Array(NpgsqlDbType.Text, waitReason));
        p.Add(Array(NpgsqlDbType.Text, waitEvent));
        p.Add(Array(NpgsqlDbType.Bigint, waitUntil));
        p.Add(Array(NpgsqlDbType.Text, resumeToken));
        p.Add(Array(NpgsqlDbType.Text, paramOverrides));
        p.Add(Array(NpgsqlDbType.Text, spawn));
        p.Add(Array(NpgsqlDbType.Integer, recoveries));
        p.Add(Array(NpgsqlDbType.Text, waitKey));
        return cmd;
    }

    /// <summary>The events as one multi-row statement: <paramref name="sql"/> takes them as 6 arrays (flow_id, seq, at, kind, step_key, detail).</summary>
    public static NpgsqlBatchCommand InsertHistory(List<HistoryEvent> history, string sql = InsertHistorySql)
    {
        var n = history.Count;
        var flowId = new string[n];
        var seq = new long[n];
        var at = new long[n];
        var kind = new string[n];
        var stepKey = new string?[n];
        var detail = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var e = history[i];
            flowId[i] = e.FlowId;
            seq[i] = e.Seq;
            at[i] = Ms(e.At);
            kind[i] = e.Kind;
            stepKey[i] = e.StepKey;
            detail[i] = e.Detail?.ToJsonString();
        }

        var cmd = new NpgsqlBatchCommand(sql);
        var p = cmd.Parameters;
        p.Add(Array(NpgsqlDbType.Text, flowId));
        p.Add(Array(NpgsqlDbType.Bigint, seq));
        p.Add(Array(NpgsqlDbType.Bigint, at));
        p.Add(Array(NpgsqlDbType.Text, kind));
        p.Add(Array(NpgsqlDbType.Text, stepKey));
        p.Add(Array(NpgsqlDbType.Text, detail));
        return cmd;
    }

    // A positional parameter: Npgsql sends statements with $n placeholders as they are, without rewriting them.
    public static NpgsqlParameter Array(NpgsqlDbType elementType, object values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values };
}
