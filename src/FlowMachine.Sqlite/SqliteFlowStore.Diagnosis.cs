using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The reads behind a diagnosis (IFlowDiagnosisStore).
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FlowEvent>> GetPendingEventsAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<FlowEvent>>(db => LoadEvents(db, flowId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SlotHolder>> ListSlotHoldersAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<SlotHolder>>(db =>
        {
            var cmd = db.Get(DiagnosisSql.SlotHolders);
            Add(cmd, "@key", key);
            Add(cmd, "@now", Ms(now));
            var list = new List<SlotHolder>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(DiagnosisSql.ReadHolder(r));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FlowRecord>> ListOverdueFlowsAsync(OverdueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync<IReadOnlyList<FlowRecord>>(db =>
        {
            var cmd = db.Get("SELECT " + FlowColumns + " FROM flows" + DiagnosisSql.Overdue(query.Owner is not null));
            Add(cmd, "@now", Ms(query.Now));
            Add(cmd, "@due_before", Ms(query.DueBefore));
            Add(cmd, "@limit", query.Limit);
            if (query.Owner is not null)
            {
                Add(cmd, "@owner", query.Owner);
            }

            return ReadFlows(db, cmd);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<StepRecord>> ListRecoveredStepsAsync(string? owner, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StepRecord>>(db =>
        {
            var cmd = db.Get("SELECT " + StepColumns + " FROM steps" + DiagnosisSql.Recovered(owner is not null));
            Add(cmd, "@limit", limit);
            if (owner is not null)
            {
                Add(cmd, "@owner", owner);
            }

            var list = new List<StepRecord>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(Storage.Relational.RelationalRows.ReadStep(r));
            }

            return list;
        }, cancellationToken);
}
