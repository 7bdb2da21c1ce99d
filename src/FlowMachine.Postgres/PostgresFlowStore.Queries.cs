using FlowMachine.Storage;
using FlowMachine.Storage.Relational;
using static FlowMachine.Postgres.PostgresQueries;
using static FlowMachine.Storage.Relational.RelationalRows;

namespace FlowMachine.Postgres;

// The read-only role (IFlowQueryStore): flows, steps, pages, history and counts.
public sealed partial class PostgresFlowStore
{
    /// <inheritdoc/>
    public async ValueTask<FlowRecord?> GetFlowAsync(string flowId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FlowColumns}{LabelColumns} FROM flows WHERE id = @id", p => p.Add(P("id", flowId)), ReadLabeledFlow, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<FlowRecord?> GetFlowByKeyAsync(string key, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT {FlowColumns}{LabelColumns} FROM flows WHERE key = @key", p => p.Add(P("key", key)), ReadLabeledFlow, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StepRecord>> GetStepsAsync(string flowId, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT {StepColumns}{RelationalSql.ProgressColumns} FROM steps WHERE flow_id = @id ORDER BY idx, key", p => p.Add(P("id", flowId)), ReadStepWithProgress, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<FlowPage> ListFlowsAsync(FlowQuery query, CancellationToken cancellationToken)
    {
        var list = FlowListQuery.Create(query, FlowColumns, "true", "ILIKE");
        var rows = await QueryAsync(list.Sql, p =>
        {
            foreach (var (name, value) in list.Parameters)
            {
                p.Add(value switch
                {
                    string text => P(name, text),
                    long number => P(name, (long?)number),
                    _ => P(name, (int?)(int)value),
                });
            }
        }, ReadFlow, cancellationToken).ConfigureAwait(false);
        return list.ToPage(rows);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string flowId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        limit <= 0
            ? []
            : await QueryAsync(
                "SELECT flow_id, seq, at, kind, step_key, detail FROM history WHERE flow_id = @id AND seq > @after ORDER BY seq LIMIT @limit",
                p =>
                {
                    p.Add(P("id", flowId));
                    p.Add(P("after", (long?)afterSeq));
                    p.Add(P("limit", (int?)limit));
                },
                ReadHistory,
                cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, FlowState>> GetFlowStatesAsync(IReadOnlyCollection<string> flowIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flowIds);
        var states = new Dictionary<string, FlowState>(StringComparer.Ordinal);
        if (flowIds.Count == 0)
        {
            return states;
        }

        // One index lookup per id, whatever plan a prepared statement settles on (see the claim's reads).
        var rows = await QueryAsync(
            "SELECT f.id, f.state FROM unnest(@ids) AS i(id) JOIN flows f ON f.id = i.id",
            p => p.Add(P("ids", flowIds.ToArray())),
            r => (Id: r.GetString(0), State: r.GetString(1)),
            cancellationToken).ConfigureAwait(false);
        foreach (var (id, name) in rows)
        {
            if (StateNames.TryParseFlowState(name, out var state))
            {
                states[id] = state;
            }
        }

        return states;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<FlowState, long>> CountFlowsByStateAsync(string? owner, CancellationToken cancellationToken)
    {
        var counts = EmptyStateCounts();
        await QueryAsync(
            owner is null ? "SELECT state, COUNT(*) FROM flows GROUP BY state" : "SELECT state, COUNT(*) FROM flows WHERE owner = @owner GROUP BY state",
            p => p.Add(P("owner", owner)),
            r =>
            {
                AddStateCount(counts, r);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <inheritdoc/>
    public async ValueTask<DateTimeOffset?> GetOldestDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "SELECT MIN(next_run_at) FROM flows WHERE next_run_at <= @now AND " + Runnable + " AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= @now)",
            p => p.Add(P("now", Ms(now))),
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : Time(r.GetInt64(0)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }
}
