using System.Text.Json.Nodes;
using FlowMachine.Routing;
using FlowMachine.Storage;
using Npgsql;
using static FlowMachine.Postgres.PostgresQueries;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Postgres;

// The runtime role (IFlowRuntimeStore): creating, claiming, leasing and committing flows, and input from outside.
public sealed partial class PostgresFlowStore
{
    // The first due flows by priority, then due time: unleased ones of priority above 0 from the head of
    // flows_due_ranked, of priority 0 from the head of flows_due, below 0 from flows_due_ranked again, and flows
    // whose lease ran out from flows_leased (only flows held right now are in it). None reads the flows running
    // now; with every flow at priority 0 the ranked parts find an empty index.
    // Held flows (PauseSql) are out of flows_due; Runnable also skips a flow inserted as its routine was being
    // paused (the insert did not see the pause, the pause's update did not see the insert).
    private const string Runnable = "suspended = 0 AND (routine IS NULL OR NOT EXISTS (SELECT 1 FROM paused_routines p WHERE p.name = flows.routine))";

    // Unleased flows: the first row of flows_due, and the earliest of flows_due_ranked (read whole, by index only:
    // few flows wait with a priority other than 0). Leased flows (flows_leased holds only those): when the lease ends, if later.
    internal const string NextDueSql =
        "SELECT LEAST((SELECT MIN(next_run_at) FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND " + Runnable + " AND priority = 0" + RouteFilter + "), " +
        "(SELECT MIN(next_run_at) FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NULL AND " + Runnable + " AND priority <> 0" + RouteFilter + "), " +
        "(SELECT MIN(GREATEST(next_run_at, COALESCE(lease_expires_at, next_run_at))) FROM flows WHERE next_run_at IS NOT NULL AND lease_owner IS NOT NULL " +
        "AND " + Runnable + "))";

    // A flow let go for another pool (its route set) goes only to a worker that accepts the route (@routes, a text
    // array; null: any). Only unleased flows carry a route: a claim clears it.
    internal const string RouteFilter = " AND (route IS NULL OR @routes::text[] IS NULL OR route = ANY(@routes::text[]))";

    internal const string ClaimDueSql =
        "WITH high AS (SELECT id, priority, next_run_at FROM flows WHERE " + DueRanked + " AND priority > 0" + RouteFilter + " " +
        "ORDER BY priority DESC, next_run_at, id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "due AS (SELECT id, 0 AS priority, next_run_at FROM flows WHERE next_run_at <= @now AND lease_owner IS NULL AND " + Runnable + " AND priority = 0" + RouteFilter + " " +
        "ORDER BY next_run_at, id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "low AS (SELECT id, priority, next_run_at FROM flows WHERE " + DueRanked + " AND priority < 0" + RouteFilter + " " +
        "ORDER BY priority DESC, next_run_at, id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "expired AS (SELECT id, priority, next_run_at FROM flows WHERE lease_owner IS NOT NULL AND (lease_expires_at IS NULL OR lease_expires_at <= @now) " +
        "AND next_run_at <= @now AND " + Runnable + " ORDER BY priority DESC, next_run_at, id LIMIT @max FOR UPDATE SKIP LOCKED), " +
        "pick AS (SELECT id AS pick_id FROM (SELECT * FROM high UNION ALL SELECT * FROM due UNION ALL SELECT * FROM low UNION ALL SELECT * FROM expired) c " +
        "ORDER BY priority DESC, next_run_at, id LIMIT @max) " +
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires, route = NULL FROM pick WHERE id = pick_id RETURNING " + FlowColumns;

    // The terms of flows_due_ranked, plus Runnable.
    private const string DueRanked = "next_run_at <= @now AND lease_owner IS NULL AND " + Runnable + " AND priority <> 0";

    private const string ClaimOneSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires, route = NULL WHERE id = @id AND next_run_at <= @now AND " + Runnable + RouteFilter + " " +
        "AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at IS NULL OR lease_expires_at <= @now) RETURNING " + FlowColumns;

    // A claim of one flow as a claim round would take it: unleased or its lease run out (a command's claim).
    private const string ClaimFreeSql =
        "UPDATE flows SET lease_owner = @owner, lease_expires_at = @expires, route = NULL WHERE id = @id AND next_run_at <= @now AND " + Runnable + RouteFilter + " " +
        "AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now) RETURNING " + FlowColumns;

    // The flow a command's claim took, if it did (else the loads read nothing); and a wake-up for everyone if it did not.
    private const string ClaimedHereSql = "(SELECT id FROM flows WHERE id = @id AND lease_owner = @owner AND lease_expires_at = @expires)";
    private const string NotifyUnlessClaimedSql =
        "SELECT pg_notify(@channel, '') FROM flows WHERE id = @id AND next_run_at IS NOT NULL AND (lease_owner IS DISTINCT FROM @owner OR lease_expires_at IS DISTINCT FROM @expires)";

    /// <inheritdoc/>
    public ValueTask<CreateFlowResult> CreateFlowAsync(NewFlow flow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentException.ThrowIfNullOrEmpty(flow.Flow.Id);
        var commands = new List<NpgsqlBatchCommand>();
        AddInsertFlow(commands, flow);
        if (flow.Flow.NextRunAt is not null && flow.Flow.LeaseOwner is null)
        {
            // A flow stored leased (handed to the starting process's worker) is nobody else's to claim: no one is woken.
            commands.Add(Notify(channel));
        }

        var copy = flow.Flow.Clone();
        return RunAsync(async (connection, ct) =>
        {
            // ON CONFLICT (key) waits for a concurrent insert of the same key, so racing creates make one flow.
            var counts = await ExecuteBatchAsync(connection, null, Rebuild(commands), ct).ConfigureAwait(false);
            if (counts[0] == 1)
            {
                return new CreateFlowResult(copy, true);
            }

            var existing = await QueryAsync(connection, null, $"SELECT {FlowColumns}{LabelColumns} FROM flows WHERE key = @key", p => p.Add(P("key", flow.Flow.Key)), ReadLabeledFlow, ct).ConfigureAwait(false);
            return new CreateFlowResult(existing.Single(), false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        List<NpgsqlBatchCommand> commands = [EnqueueCommand(flowId, kind, stepKey, payload, actor, now), Notify(channel, onlyIfDueFlowId: flowId)];
        return RunAsync(async (connection, ct) => (await ExecuteBatchAsync(connection, null, Rebuild(commands), ct).ConfigureAwait(false))[0] == 1, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<QueuedCommand> EnqueueCommandAsync(string flowId, string kind, string? stepKey, JsonNode? payload, string? actor, DateTimeOffset now, CommandClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(claim);
        return RunAsync(async (connection, ct) =>
        {
            // One round trip, one implicit transaction. The command's write locks the flow row first, so the claim
            // after it reads the row as it stands (no run can let go of it or take it meanwhile) and takes it only as
            // a claim round would; the loads read the claimed flow as of that claim.
            var batch = new NpgsqlBatch(connection);
            await using var batchScope = batch.ConfigureAwait(false);
            var enqueue = EnqueueCommand(flowId, kind, stepKey, payload, actor, now);
            enqueue.CommandText += " RETURNING flow_id";
            batch.BatchCommands.Add(enqueue);
            foreach (var sql in (string[])[ClaimFreeSql, .. PostgresClaimLoads.Sql(ClaimedHereSql), NotifyUnlessClaimedSql])
            {
                var cmd = Command(sql);
                cmd.Parameters.Add(P("id", flowId));
                cmd.Parameters.Add(P("owner", claim.Owner));
                cmd.Parameters.Add(P("expires", Ms(now + claim.Lease)));
                if (ReferenceEquals(sql, ClaimFreeSql))
                {
                    cmd.Parameters.Add(P("now", Ms(now)));
                    cmd.Parameters.Add(Routes(claim.Routes));
                }
                else if (ReferenceEquals(sql, NotifyUnlessClaimedSql))
                {
                    cmd.Parameters.Add(P("channel", channel));
                }

                batch.BatchCommands.Add(cmd);
            }

            var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            var found = await r.ReadAsync(ct).ConfigureAwait(false);
            await r.NextResultAsync(ct).ConfigureAwait(false);
            var claimed = await r.ReadAsync(ct).ConfigureAwait(false) ? ReadFlow(r) : null;
            await r.NextResultAsync(ct).ConfigureAwait(false);
            var loads = new PostgresClaimLoads();
            await loads.ReadAsync(r, ct).ConfigureAwait(false);
            while (await r.NextResultAsync(ct).ConfigureAwait(false))
            {
            }

            return new QueuedCommand(found, claimed is null ? null : loads.Of(claimed));
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<bool> AddEventAsync(string flowId, string name, JsonNode? value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        List<NpgsqlBatchCommand> commands = [AddEvent(flowId, name, value, now), Notify(channel, onlyIfDueFlowId: flowId)];
        return RunAsync(async (connection, ct) => (await ExecuteBatchAsync(connection, null, Rebuild(commands), ct).ConfigureAwait(false))[0] == 1, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimDueAsync(owner, max, null, now, lease, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<ClaimedFlow>> ClaimDueAsync(string owner, int max, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            return [];
        }

        return await ClaimAsync(ClaimDueSql, p =>
        {
            p.Add(P("owner", owner));
            p.Add(P("expires", Ms(now + lease)));
            p.Add(P("now", Ms(now)));
            p.Add(P("max", (int?)max));
            p.Add(Routes(routes));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken) =>
        ClaimFlowAsync(flowId, owner, null, now, lease, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<ClaimedFlow?> ClaimFlowAsync(string flowId, string owner, RouteSet? routes, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var claimed = await ClaimAsync(ClaimOneSql, p =>
        {
            p.Add(P("id", flowId));
            p.Add(P("owner", owner));
            p.Add(P("expires", Ms(now + lease)));
            p.Add(P("now", Ms(now)));
            p.Add(Routes(routes));
        }, cancellationToken).ConfigureAwait(false);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Leases rows with <paramref name="claimSql"/> and loads their steps, commands and events in the same transaction.</summary>
    private ValueTask<List<ClaimedFlow>> ClaimAsync(string claimSql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);

            // Planned for the values at hand each time and by index only, in the same round trip (see IndexPlansSql).
            var flows = await QueryAsync(connection, tx, IndexPlansSql + claimSql, bind, ReadFlow, ct).ConfigureAwait(false);
            if (flows.Count == 0)
            {
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return [];
            }

            // RETURNING gives no order; the highest priority comes first, then the oldest due flow.
            flows.Sort((a, b) =>
            {
                var byPriority = b.Priority.CompareTo(a.Priority);
                var byTime = byPriority != 0 ? byPriority : Nullable.Compare(a.NextRunAt, b.NextRunAt);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
            });
            var ids = flows.ConvertAll(f => f.Id).ToArray();
            var loads = new PostgresClaimLoads();

            // Everything for every claimed flow in one round trip.
            var batch = new NpgsqlBatch(connection, tx);
            await using (batch.ConfigureAwait(false))
            {
                foreach (var sql in PostgresClaimLoads.Sql("unnest(@ids)"))
                {
                    var cmd = Command(sql);
                    cmd.Parameters.Add(P("ids", ids));
                    batch.BatchCommands.Add(cmd);
                }

                var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                await loads.ReadAsync(r, ct).ConfigureAwait(false);
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return flows.ConvertAll(loads.Of);
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyCollection<string> flowIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var ids = flowIds.ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var held = await QueryAsync(
            // Locks taken in id order, like the group commit's: a renewal and a commit batch cannot deadlock
            // (a deadlock costs a second before PostgreSQL breaks it, and leases may be only a few seconds).
            "UPDATE flows SET lease_expires_at = @expires WHERE id IN (" +
            "SELECT id FROM flows WHERE id = ANY(@ids) AND lease_owner = @owner ORDER BY id FOR UPDATE) AND lease_owner = @owner RETURNING id",
            p =>
            {
                p.Add(P("ids", ids));
                p.Add(P("owner", owner));
                p.Add(P("expires", Ms(expiresAt)));
            },
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        var kept = held.ToHashSet(StringComparer.Ordinal);
        return [.. ids.Where(id => !kept.Contains(id))];
    }

    /// <inheritdoc/>
    public async ValueTask<CommitResult> CommitAsync(FlowTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);

        // The transition is written later by the group commit: take a copy the caller cannot change meanwhile.
        var t = transition with { Flow = transition.Flow.Clone() };
        return await committer.CommitAsync(t, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FlowCommand>> GetCommandsAsync(string flowId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT id, flow_id, kind, step_key, payload, actor, at FROM commands WHERE flow_id = @id ORDER BY id", p => p.Add(P("id", flowId)), ReadCommand, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken) => GetNextDueAsync(null, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<DateTimeOffset?> GetNextDueAsync(RouteSet? routes, CancellationToken cancellationToken)
    {
        // Unleased flows: the first row of flows_due. Leased flows (flows_leased holds only those): when the
        // lease ends, if later. By index only (IndexPlansSql): planned on stale statistics, the second part
        // scanned the whole table, 6 ms each time an idle worker asked.
        var rows = await RunAsync(
            async (connection, ct) =>
            {
                var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var txScope = tx.ConfigureAwait(false);
                var due = await QueryAsync(
                    connection,
                    tx,
                    IndexPlansSql + NextDueSql,
                    p => p.Add(Routes(routes)),
                    r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0),
                    ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return due;
            },
            cancellationToken).ConfigureAwait(false);
        return rows[0] is { } ms ? Time(ms) : null;
    }
}
