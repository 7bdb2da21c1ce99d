using System.Text.Json;
using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Sqlite.SqliteQueries;

namespace FlowMachine.Sqlite;

// The read-only role (IFlowQueryStore): flows, steps, pages, history and counts.
public sealed partial class SqliteFlowStore
{
    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync(db => WithLabels(db, LoadFlow(db, flowId)), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken) =>
        ReadAsync(db => WithLabels(db, LoadFlowByKey(db, key)), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StepRecord>>(db => LoadSteps(db, flowId, withProgress: true), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        var list = ListQuery(query);
        return ReadAsync(db =>
        {
            var cmd = db.Get(list.Sql);
            foreach (var (name, value) in list.Parameters)
            {
                Add(cmd, "@" + name, value);
            }

            return list.ToPage(ReadFlows(db, cmd));
        }, cancellationToken);
    }

    /// <summary>The statement of a page of flows and its parameters (its plan is checked by the tests).</summary>
    internal static (string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters) ListStatement(FlowQuery query)
    {
        var list = ListQuery(query);
        return (list.Sql, list.Parameters);
    }

    private static FlowListQuery ListQuery(FlowQuery query) => FlowListQuery.Create(query, FlowColumns, "1 = 1");

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        limit <= 0
            ? ValueTask.FromResult<IReadOnlyList<HistoryEvent>>([])
            : ReadAsync<IReadOnlyList<HistoryEvent>>(db => SqliteHistory.Load(db, flowId, afterSeq, limit), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, FlowState>> GetFlowStatesAsync(IReadOnlyCollection<string> flowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        if (flowIds.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, FlowState>>(new Dictionary<string, FlowState>());
        }

        var ids = JsonSerializer.Serialize(flowIds);
        return ReadAsync<IReadOnlyDictionary<string, FlowState>>(db =>
        {
            // One primary-key lookup per id.
            var cmd = db.Get("SELECT f.id, f.state FROM json_each(@ids) AS i JOIN flows f ON f.id = i.value");
            Add(cmd, "@ids", ids);
            return RelationalRows.ReadStates(cmd);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<FlowState, long>>(db =>
        {
            var cmd = owner is null
                ? db.Get("SELECT state, COUNT(*) FROM flows GROUP BY state")
                : db.Get("SELECT state, COUNT(*) FROM flows WHERE owner = @owner GROUP BY state");
            Add(cmd, "@owner", owner);
            var counts = RelationalRows.EmptyStateCounts();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                RelationalRows.AddStateCount(counts, r);
            }

            return counts;
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<DateTimeOffset?> GetOldestDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync<DateTimeOffset?>(db =>
        {
            var cmd = db.Get("SELECT MIN(next_run_at) FROM flows WHERE next_run_at <= @now AND suspended = 0 " +
                "AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now)");
            Add(cmd, "@now", Ms(now));
            return cmd.ExecuteScalar() is long ms ? Time(ms) : null;
        }, cancellationToken);
}
