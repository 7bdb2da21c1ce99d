using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The workers' registry (IWorkerRegistry).
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public async ValueTask RegisterWorkerAsync(WorkerRecord worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        await ExecuteWorkerAsync(WorkerSql.Register, cmd =>
        {
            Add(cmd, "@id", worker.Id);
            Add(cmd, "@host", worker.Host);
            Add(cmd, "@process_id", worker.ProcessId);
            Add(cmd, "@queues", WorkerSql.QueuesJson(worker));
            Add(cmd, "@task_types", WorkerSql.TaskTypesJson(worker));
            Add(cmd, "@started_at", Ms(worker.StartedAt));
            Add(cmd, "@heartbeat_at", Ms(worker.HeartbeatAt));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> BeatWorkerAsync(string workerId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(WorkerSql.Beat, cmd =>
        {
            Add(cmd, "@id", workerId);
            Add(cmd, "@at", Ms(at));
        }, cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public async ValueTask RemoveWorkerAsync(string workerId, CancellationToken cancellationToken) =>
        await ExecuteWorkerAsync(WorkerSql.Remove, cmd => Add(cmd, "@id", workerId), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public ValueTask<int> RemoveWorkersSilentSinceAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        ExecuteWorkerAsync(WorkerSql.RemoveSilent, cmd => Add(cmd, "@before", Ms(before)), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<WorkerRecord>> ListWorkersAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<WorkerRecord>>(db =>
        {
            var list = new List<WorkerRecord>();
            using var r = db.Get(WorkerSql.List).ExecuteReader();
            while (r.Read())
            {
                list.Add(WorkerSql.Read(r));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<int> ReleaseOverdueRoutesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cleared = await WriteAsync(db =>
        {
            var routed = db.Prepared(CountOverdueRoutes).Int(1, Ms(now)).ScalarInt() ?? 0;
            db.Prepared(ReleaseOverdueRoutes).Int(1, Ms(now)).Execute();
            return (int)routed;
        }, cancellationToken).ConfigureAwait(false);
        if (cleared > 0)
        {
            notifier.Notify();
        }

        return cleared;
    }

    /// <summary>The unleased flows with a route whose route deadline is at or before <c>?1</c> (Unix milliseconds).</summary>
    private const string CountOverdueRoutes =
        "SELECT count(*) FROM flows WHERE route_deadline <= ?1 AND lease_owner IS NULL AND route IS NOT NULL";

    /// <summary>
    /// Clears the route and route deadline of the unleased flows whose route deadline is at or before <c>?1</c>; also the
    /// deadlines left on flows whose route a claim or a command cleared meanwhile.
    /// </summary>
    private const string ReleaseOverdueRoutes =
        "UPDATE flows SET route = NULL, route_deadline = NULL WHERE route_deadline <= ?1 AND lease_owner IS NULL";

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RouteDepth>> GetRouteDepthsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RouteDepth>>(db =>
        {
            var cmd = db.Get(WorkerSql.Depths);
            Add(cmd, "@now", Ms(now));
            var list = new List<RouteDepth>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(WorkerSql.ReadDepth(r));
            }

            return list;
        }, cancellationToken);

    private ValueTask<int> ExecuteWorkerAsync(string sql, Action<Microsoft.Data.Sqlite.SqliteCommand> bind, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var cmd = db.Get(sql);
            bind(cmd);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
}
