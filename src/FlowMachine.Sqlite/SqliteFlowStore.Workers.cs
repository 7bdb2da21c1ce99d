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
