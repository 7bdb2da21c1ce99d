using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The pause role (IPauseStore). Held flows are out of flows_due: claims and the next-due read skip them by index.
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<HoldResult> SetFlowSuspendedAsync(string flowId, bool suspended, string? actor, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(db =>
        {
            var read = db.Get(PauseSql.FlowHold);
            Add(read, "@id", flowId);
            string state;
            long hold;
            using (var r = read.ExecuteReader())
            {
                if (!r.Read())
                {
                    return new HoldResult(HoldStatus.NotFound);
                }

                (state, hold) = (r.GetString(0), r.GetInt64(1));
            }

            if (PauseSql.Check(state, hold, suspended) is { } answer)
            {
                return answer;
            }

            var write = db.Get(suspended ? PauseSql.Suspend : PauseSql.Unsuspend);
            Add(write, "@id", flowId);
            write.ExecuteNonQuery();
            InsertCommand(db, flowId, suspended ? FlowCommand.Suspend : FlowCommand.Resume, null, null, actor, now);
            MakeDue(db, flowId, now);
            return new HoldResult(HoldStatus.Changed, PauseSql.State(state));
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<HoldResult> SetRoutinePausedAsync(string name, bool paused, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return WriteAsync(db =>
        {
            var exists = db.Get(PauseSql.RoutineExists);
            Add(exists, "@name", name);
            if (exists.ExecuteScalar() is null)
            {
                return new HoldResult(HoldStatus.NotFound);
            }

            var change = db.Get(paused ? PauseSql.InsertPaused : PauseSql.DeletePaused);
            Add(change, "@name", name);
            if (paused)
            {
                Add(change, "@at", Ms(now));
                Add(change, "@by", actor);
            }

            if (change.ExecuteNonQuery() == 0)
            {
                return new HoldResult(HoldStatus.Unchanged);
            }

            var flows = db.Get(paused ? PauseSql.MarkRoutineFlows : PauseSql.UnmarkRoutineFlows);
            Add(flows, "@name", name);
            flows.ExecuteNonQuery();
            return new HoldResult(HoldStatus.Changed);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<PausedRoutine>> ListPausedRoutinesAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<PausedRoutine>>(db =>
        {
            var list = new List<PausedRoutine>();
            using var r = db.Get(PauseSql.ListPaused).ExecuteReader();
            while (r.Read())
            {
                list.Add(PauseSql.ReadPaused(r));
            }

            return list;
        }, cancellationToken);
}
