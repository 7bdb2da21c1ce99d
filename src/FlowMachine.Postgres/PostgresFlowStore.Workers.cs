using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using Npgsql;
using static FlowMachine.Postgres.PostgresQueries;

namespace FlowMachine.Postgres;

// The workers' registry (IWorkerRegistry).
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask RegisterWorkerAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        await ExecuteWorkerAsync(WorkerSql.Register, p =>
        {
            p.Add(P("id", worker.Id));
            p.Add(P("host", worker.Host));
            p.Add(P("process_id", (int?)worker.ProcessId));
            p.Add(P("queues", WorkerSql.QueuesJson(worker)));
            p.Add(P("task_types", WorkerSql.TaskTypesJson(worker)));
            p.Add(P("started_at", Ms(worker.StartedAt)));
            p.Add(P("heartbeat_at", Ms(worker.HeartbeatAt)));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> BeatWorkerAsync(string workerId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(WorkerSql.Beat, p =>
        {
            p.Add(P("id", workerId));
            p.Add(P("at", Ms(at)));
        }, cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public async ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(WorkerSql.Remove, p => p.Add(P("id", workerId)), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<int> RemoveWorkersSilentSinceAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(WorkerSql.RemoveSilent, p => p.Add(P("before", Ms(before))), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellationToken) =>
        await QueryAsync(WorkerSql.List, _ => { }, WorkerSql.Read, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<int> ReleaseOverdueRoutesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(OverdueRoutesSql, p =>
        {
            p.Add(P(Positional, (long?)Ms(now)));
            p.Add(P(Positional, channel));
        }, r => (int)r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    // Skips rows a claim holds locked; the next heartbeat looks again. Tells the workers when a route was cleared.
    private const string OverdueRoutesSql =
        "WITH hit AS (SELECT id, route FROM flows WHERE route_deadline <= $1 AND lease_owner IS NULL FOR UPDATE SKIP LOCKED), " +
        "cleared AS (UPDATE flows f SET route = NULL, route_deadline = NULL FROM hit WHERE f.id = hit.id RETURNING hit.route), " +
        "n AS (SELECT count(*) AS routed FROM cleared WHERE route IS NOT NULL) " +
        "SELECT routed FROM n, LATERAL (SELECT CASE WHEN routed > 0 THEN pg_notify($2, '') END) w";

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RouteDepth>> GetRouteDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryAsync(WorkerSql.Depths, p => p.Add(P("now", Ms(now))), WorkerSql.ReadDepth, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs one statement (the registry's, the command receipts') and returns its row count.</summary>
    private ValueTask<int> ExecuteWorkerAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            var cmd = new NpgsqlCommand(sql, connection);
            await using var cmdScope = cmd.ConfigureAwait(false);
            bind(cmd.Parameters);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
}
